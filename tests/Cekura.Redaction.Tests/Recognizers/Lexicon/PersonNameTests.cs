namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class PersonNameTests
{
    private static IReadOnlyList<string> Names(string text) => FreeText.Find(text, "person_name");

    [Theory]
    [InlineData("Hi, my name is Sarah Johnson and I'm calling about my bill.", "Sarah Johnson")]
    [InlineData("hi my name is john smith and i have a question", "john smith")]
    [InlineData("my name is will harper", "will harper")]
    [InlineData("this is mark from billing", "mark")]
    [InlineData("Yes, I'm Priya, the account holder.", "Priya")]
    [InlineData("Could I speak with Mr. Thompson, please?", "Thompson")]
    [InlineData("can i talk to doctor ramirez", "ramirez")]
    [InlineData("Jennifer here, returning your call.", "Jennifer")]
    [InlineData("My wife, Maria, handles the payments.", "Maria")]
    [InlineData("okay thank you jessica", "jessica")]
    [InlineData("Rose said she would email me the quote.", "Rose")]
    [InlineData("I already talked to Jessica Martinez about it.", "Jessica Martinez")]
    public void A_name_after_a_cue_or_with_a_surname_is_found(string text, string name) =>
        Assert.Equal([name], Names(text));

    [Theory]
    [InlineData("I'm fine, thanks for asking.")]
    [InlineData("i'm good how are you")]
    [InlineData("I'm calling about my last invoice.")]
    [InlineData("Will do, I'll check and get back to you.")]
    [InlineData("May I ask what this is regarding?")]
    [InlineData("Is there a grace period for the late payment?")]
    [InlineData("Mark my words, this will happen again.")]
    [InlineData("Our costs rose by ten percent this year.")]
    [InlineData("this is great thank you")]
    [InlineData("thank you so much")]
    [InlineData("We have a German shepherd at home.")]
    [InlineData("We can do it in June if that works.")]
    [InlineData("i'm looking for the summer schedule")]
    [InlineData("Call me back at the same number.")]
    [InlineData("Honestly, I'm Catholic, so Sunday doesn't work.")]
    [InlineData("Can you spell that? J as in Juliet.")]
    [InlineData("the car's VIN is on the dashboard")]
    [InlineData("I spoke to your CEO last week")]
    public void Words_that_are_also_names_are_left_alone_without_a_name_cue(string text) =>
        Assert.Empty(Names(text));

    [Fact]
    public void A_common_word_name_needs_a_capital_after_a_weak_cue()
    {
        Assert.Equal(["Grace"], Names("Hi Grace, thanks for picking up."));
        Assert.Empty(Names("hi grace period is over"));
    }

    [Fact]
    public void Offsets_point_at_the_name_in_the_original_text_without_title_or_possessive()
    {
        const string text = "The appointment is for Mrs. Patel's mother, and Dr. O'Brien's nurse.";
        var spans = FreeText.Spans(text, "person_name");

        Assert.Equal([(text.IndexOf("Patel", StringComparison.Ordinal), 5), (text.IndexOf("O'Brien", StringComparison.Ordinal), 7)],
            spans.Select(s => (s.Start, s.Length)));
    }

    [Fact]
    public void A_cued_name_scores_higher_than_a_bare_capitalised_one()
    {
        var cued = FreeText.Spans("My name is Daniel.", "person_name").Single();
        var bare = FreeText.Spans("I sent it to Daniel yesterday.", "person_name").Single();

        Assert.True(cued.Score > bare.Score, $"{cued.Score} <= {bare.Score}");
    }
}
