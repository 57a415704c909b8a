namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class PhysicalAttributeTests
{
    private static IReadOnlyList<string> Attributes(string text) => FreeText.Find(text, "physical_attribute");

    [Theory]
    [InlineData("I'm six foot two, so I need the longer frame.", "six foot two")]
    [InlineData("I'm deaf, so please text me.", "deaf")]
    [InlineData("she's legally blind", "legally blind")]
    [InlineData("I weigh about 180 pounds.", "180 pounds")]
    [InlineData("i use a wheelchair so i need the ramp", "wheelchair")]
    [InlineData("He's about 5'10\" with a beard.", "5'10")]
    [InlineData("i'm hard of hearing", "hard of hearing")]
    public void A_body_description_after_a_cue_is_found(string text, string found) =>
        Assert.Equal([found], Attributes(text));

    [Fact]
    public void Hair_and_eye_colour_are_separate_spans_with_their_describing_words()
    {
        Assert.Equal(["brown hair", "blue eyes"], Attributes("He has brown hair and blue eyes."));
        Assert.Equal(["salt and pepper hair"], Attributes("he's got salt and pepper hair"));
    }

    [Theory]
    [InlineData("We need a six foot cable for the install.")]
    [InlineData("My complaints fell on deaf ears.")]
    [InlineData("The blue one is cheaper.")]
    [InlineData("I'm short on time today.")]
    [InlineData("Is the entrance wheelchair accessible?")]
    public void Sizes_colours_and_idioms_without_a_person_are_left_alone(string text) =>
        Assert.Empty(Attributes(text));
}
