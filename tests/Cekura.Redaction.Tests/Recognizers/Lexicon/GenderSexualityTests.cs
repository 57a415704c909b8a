namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class GenderSexualityTests
{
    private static IReadOnlyList<string> Terms(string text) => FreeText.Find(text, "gender_sexuality");

    [Theory]
    [InlineData("I'm gay, and my partner should be on the policy.", "gay")]
    [InlineData("My child is non-binary.", "non-binary")]
    [InlineData("my pronouns are they/them", "they/them")]
    [InlineData("she/her pronouns please", "she/her")]
    [InlineData("I'm a trans woman and the name on file is wrong.", "trans woman")]
    [InlineData("I identify as female.", "female")]
    [InlineData("My late husband opened the account.", "husband")]
    public void Identity_words_pronouns_and_partners_are_found(string text, string found) =>
        Assert.Equal([found], Terms(text));

    [Theory]
    [InlineData("I'll go straight to the point.")]
    [InlineData("It needs a female connector.")]
    [InlineData("I'm a man of my word.")]
    [InlineData("The trans-atlantic flight was delayed.")]
    public void Words_with_other_senses_need_a_cue_about_the_person(string text) =>
        Assert.Empty(Terms(text));

    [Fact]
    public void A_partner_word_scores_below_an_explicit_identity()
    {
        var partner = FreeText.Spans("my wife and i", "gender_sexuality").Single();
        var identity = FreeText.Spans("i'm bisexual", "gender_sexuality").Single();

        Assert.True(partner.Score < identity.Score);
    }
}
