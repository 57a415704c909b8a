using Cekura.Redaction.Recognizers.Dates;

namespace Cekura.Redaction.Tests.Recognizers.Dates;

public sealed class DateTimeRecognizerTests
{
    private readonly DateTimeRecognizer _recognizer = new();

    [Theory]
    [InlineData("Can we move it to March 15, 2024?", "March 15, 2024")]
    [InlineData("i'm free the twenty first of june", "the twenty first of june")]
    [InlineData("filed on 2024-07-04.", "2024-07-04")]
    [InlineData("due 03/15/2025", "03/15/2025")]
    public void Dates_are_found(string text, string date)
    {
        Assert.Equal([("date", date)], Found.In(_recognizer, text));
    }

    [Fact]
    public void A_date_after_birth_words_is_a_dob_that_outscores_the_date()
    {
        var spans = _recognizer.Find("date of birth march fifteenth nineteen eighty five", new(new HashSet<string> { "dob", "date" })).ToList();

        var best = spans.MaxBy(s => s.Score)!;
        Assert.Equal("dob", best.EntityType);
        Assert.Equal("march fifteenth nineteen eighty five", "date of birth march fifteenth nineteen eighty five".Substring(best.Start, best.Length));
        Assert.Contains(spans, s => s.EntityType == "date" && s.Start == best.Start && s.Length == best.Length);
    }

    [Theory]
    [InlineData("Can you come at 6:30 pm?", "6:30 pm")]
    [InlineData("let's do six thirty p m then", "six thirty p m")]
    [InlineData("see you at six thirty", "six thirty")]
    [InlineData("how about quarter past three", "quarter past three")]
    [InlineData("ten thirty in the morning works", "ten thirty in the morning")]
    public void Times_are_found(string text, string time)
    {
        Assert.Equal([("time", time)], Found.In(_recognizer, text));
    }

    [Theory]
    [InlineData("I'm fine, thanks")]
    [InlineData("two large pizzas please")]
    [InlineData("I may need a ride")]
    [InlineData("we have 3 of 12 left")]
    public void Ordinary_speech_has_no_dates_or_times(string text)
    {
        Assert.Empty(Found.In(_recognizer, text));
    }
}
