using Cekura.Redaction.Text;

namespace Cekura.Redaction.Tests.Recognizers.Text;

public sealed class SpokenNumbersTests
{
    [Theory]
    [InlineData("my zip is nine four one oh seven", "my zip is 9 4 1 0 7")]
    [InlineData("double five", "55")]
    [InlineData("triple seven two", "777 2")]
    [InlineData("twenty twenty-four", "20 24")]
    [InlineData("nineteen eighty five", "19 85")]
    [InlineData("forty two years", "42 years")]
    [InlineData("twelve hundred dollars", "1200 dollars")]
    [InlineData("two thousand and five", "2005")]
    [InlineData("two hundred and fifty", "250")]
    [InlineData("4 1 1 one", "4 1 1 1")]
    [InlineData("one two dash three four", "1 2 - 3 4")]
    [InlineData("one nine two dot one six eight", "1 9 2 . 1 6 8")]
    [InlineData("plus four four", "+ 4 4")]
    [InlineData("the fifteenth of march", "the 15 of march")]
    public void Spoken_numbers_are_written_as_digits(string spoken, string view)
    {
        Assert.Equal(view, SpokenNumbers.Normalize(spoken).View);
    }

    [Theory]
    [InlineData("oh, I see")]
    [InlineData("seven o'clock")]
    [InlineData("that's often the case")]
    public void Oh_and_o_are_zeros_only_inside_a_digit_run(string text)
    {
        Assert.DoesNotContain('0', SpokenNumbers.Normalize(text).View);
    }

    [Fact]
    public void A_span_of_the_view_maps_back_to_the_exact_words_it_came_from()
    {
        const string text = "Sure, it's double five, two one, thanks";
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;

        var (start, end) = normalized.ToOriginal(view.IndexOf("55", StringComparison.Ordinal), view.IndexOf("2 1", StringComparison.Ordinal) + 3);

        Assert.Equal("double five, two one", text[start..end]);
    }

    [Fact]
    public void Text_without_number_words_is_its_own_view()
    {
        const string text = "Call 415 555 2671 please";
        var normalized = SpokenNumbers.Normalize(text);

        Assert.Same(text, normalized.View);
        Assert.Equal((5, 8), normalized.ToOriginal(5, 8));
    }

    [Fact]
    public void Digit_runs_keep_their_grouping_and_skip_digits_glued_to_letters()
    {
        var runs = DigitRun.FindAll("card 4111-1111 1111 1111, flight UA1549 at 5pm, zip 9 4 1 0 7");

        Assert.Equal(["4111111111111111", "94107"], runs.Select(r => r.Digits));
        Assert.Equal([4, 4, 4, 4], runs[0].GroupLengths(0, 16));
        Assert.Equal([5], runs[1].GroupLengths(0, 5));
    }
}
