namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class OccupationTests
{
    private static IReadOnlyList<string> Jobs(string text) => FreeText.Find(text, "occupation");

    [Theory]
    [InlineData("I'm a nurse, so my hours are unpredictable.", "nurse")]
    [InlineData("I work as a truck driver.", "truck driver")]
    [InlineData("I'm a registered nurse at the county hospital.", "registered nurse")]
    [InlineData("my husband is an electrician", "electrician")]
    [InlineData("i'm a retired firefighter", "retired firefighter")]
    [InlineData("my occupation is electrician", "electrician")]
    public void A_job_after_a_cue_about_a_person_is_an_occupation(string text, string job) =>
        Assert.Equal([job], Jobs(text));

    [Theory]
    [InlineData("The printer driver needs updating.")]
    [InlineData("Our server is down again.")]
    [InlineData("We're running a pilot program in two stores.")]
    [InlineData("the issue is a driver problem")]
    [InlineData("I'm a big fan of your product.")]
    [InlineData("Who's the manager on duty today?")]
    public void Job_words_in_other_senses_are_not_occupations(string text) =>
        Assert.Empty(Jobs(text));
}
