namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class OriginTests
{
    private static IReadOnlyList<string> Origins(string text) => FreeText.Find(text, "origin");

    [Theory]
    [InlineData("I'm Mexican, so I'd prefer someone who speaks Spanish.", "Mexican")]
    [InlineData("My mother is Korean and doesn't speak much English.", "Korean")]
    [InlineData("I'm of Irish descent.", "Irish")]
    [InlineData("He's a Mexican-American citizen.", "Mexican-American")]
    [InlineData("i'm korean american", "korean american")]
    [InlineData("i am puerto rican", "puerto rican")]
    public void A_nationality_or_ethnicity_about_a_person_is_an_origin(string text, string origin) =>
        Assert.Equal([origin], Origins(text));

    [Theory]
    [InlineData("Do you have someone who speaks Spanish?")]
    [InlineData("press two for spanish")]
    [InlineData("I'd like to order Chinese food for delivery.")]
    [InlineData("Can I get an English muffin with that?")]
    [InlineData("i paid with my american express card")]
    [InlineData("I need a French translator for the meeting.")]
    public void Languages_cuisines_and_brands_are_not_origins(string text) =>
        Assert.Empty(Origins(text));

    [Fact]
    public void A_race_that_is_also_a_colour_counts_only_when_someone_says_it_of_themselves()
    {
        Assert.Equal(["Black"], Origins("I'm Black and I want that on the form."));
        Assert.Equal(["white"], Origins("I'm white."));
        Assert.Empty(Origins("the white one please"));
        Assert.Empty(Origins("I'm white-knuckling it through this call."));
    }
}
