namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class LocationTests
{
    private static IReadOnlyList<string> Places(string text) => FreeText.Find(text, "location");

    [Theory]
    [InlineData("I live in Austin, Texas.", "Austin, Texas")]
    [InlineData("i live in new york", "new york")]
    [InlineData("we live in tampa florida", "tampa florida")]
    [InlineData("Is there a branch near Salt Lake City?", "Salt Lake City")]
    [InlineData("I was born in Guadalajara.", "Guadalajara")]
    [InlineData("We met at a wedding in Charleston.", "Charleston")]
    [InlineData("the package is stuck in ohio", "ohio")]
    [InlineData("My address is 42 Maple Street.", "42 Maple Street")]
    [InlineData("my address is one two three main street", "one two three main street")]
    public void A_place_after_a_cue_or_a_well_known_place_is_found(string text, string place) =>
        Assert.Equal([place], Places(text));

    [Theory]
    [InlineData("We need a new order for the office.")]
    [InlineData("in order to cancel i need the code")]
    [InlineData("It's on my mobile phone.")]
    [InlineData("I have two way calling on the line.")]
    [InlineData("i'm in a meeting right now")]
    [InlineData("Can I get the instructions in English, please?")]
    [InlineData("Good morning, you've reached Carlos at Bright Dental.")]
    [InlineData("can you pass this to jordan")]
    public void Words_that_name_towns_elsewhere_are_not_places_here(string text) =>
        Assert.Empty(Places(text));

    [Fact]
    public void A_town_that_is_also_a_word_counts_only_with_a_residence_cue_and_a_capital()
    {
        Assert.Equal(["Mobile"], Places("I live in Mobile, near the bay."));
        Assert.Empty(Places("i live in mobile homes mostly"));
    }
}
