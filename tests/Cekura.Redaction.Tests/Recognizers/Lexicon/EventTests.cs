namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class EventTests
{
    private static IReadOnlyList<string> Events(string text) => FreeText.Find(text, "event");

    [Theory]
    [InlineData("I need the dress before my sister's wedding.", "wedding")]
    [InlineData("We're planning a birthday party for my son.", "birthday party")]
    [InlineData("i have the sales conference next week", "sales conference")]
    [InlineData("I'm flying out for my graduation.", "graduation")]
    [InlineData("We're going to the Boston Marathon in April.", "Boston Marathon")]
    public void A_personal_or_named_event_is_found(string text, string found) =>
        Assert.Equal([found], Events(text));

    [Theory]
    [InlineData("Can we set up a conference call for Thursday?")]
    [InlineData("I'll ask the third party provider.")]
    [InlineData("The conference room is booked.")]
    [InlineData("is there a party of four at seven")]
    [InlineData("i need to wake up early")]
    public void Event_nouns_in_other_senses_are_not_events(string text) =>
        Assert.Empty(Events(text));
}
