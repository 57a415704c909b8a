using Cekura.Redaction.Recognizers.CreditCard;

namespace Cekura.Redaction.Tests.Recognizers.CreditCard;

public sealed class CreditCardRecognizerTests
{
    private readonly CreditCardRecognizer _recognizer = new();

    [Theory]
    [InlineData("my card is 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111")]
    [InlineData("Amex: 3782-822463-10005.", "3782-822463-10005")]
    [InlineData("it's 5555555555554444", "5555555555554444")]
    [InlineData("four two four two, four two four two, four two four two, four two four two thanks", "four two four two, four two four two, four two four two, four two four two")]
    [InlineData("card is six oh one one, one one one one, one one one one, one one one seven", "six oh one one, one one one one, one one one one, one one one seven")]
    public void Luhn_valid_numbers_of_known_issuers_are_found_written_and_spoken(string text, string card)
    {
        Assert.Equal([card], Found.Values(_recognizer, text, "credit_card"));
    }

    [Theory]
    [InlineData("my card is 4111 1111 1111 1112")]
    [InlineData("the number is 1234 5678 1234 5670")]
    [InlineData("tracking 3782 822463 100051")]
    public void Numbers_that_fail_Luhn_or_have_no_issuer_prefix_are_not_cards(string text)
    {
        Assert.Empty(Found.Values(_recognizer, text, "credit_card"));
    }

    [Fact]
    public void Last_four_digits_count_only_after_card_words()
    {
        Assert.Equal(["4242"], Found.Values(_recognizer, "the visa ending in 4242", "credit_card"));
        Assert.Equal(["four two four two"], Found.Values(_recognizer, "use the card that ends with four two four two", "credit_card"));
        Assert.Empty(Found.Values(_recognizer, "the order ending in 4242", "credit_card"));
    }
}
