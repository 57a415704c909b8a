using Cekura.Redaction.Recognizers.Phone;

namespace Cekura.Redaction.Tests.Recognizers.Phone;

public sealed class PhoneRecognizerTests
{
    private readonly PhoneRecognizer _recognizer = new();

    [Theory]
    [InlineData("call me at (415) 867-2301 please", "415) 867-2301")]
    [InlineData("It's 212-449-3871.", "212-449-3871")]
    [InlineData("my cell is four one five, eight six seven, two three oh one ok", "four one five, eight six seven, two three oh one")]
    [InlineData("it's two one two, double five eight, seven three four one", "two one two, double five eight, seven three four one")]
    [InlineData("My mobile is +44 20 7946 0958.", "+44 20 7946 0958")]
    [InlineData("my number is four one five eight six seven two three oh one two pizzas", "four one five eight six seven two three oh one")]
    public void Valid_numbers_are_found_written_and_spoken(string text, string phone)
    {
        Assert.Equal([phone], Found.Values(_recognizer, text, "phone_number"));
    }

    [Fact]
    public void A_number_without_country_code_is_read_in_the_region_hint()
    {
        Assert.Equal(["020 7946 0958"], Found.Values(_recognizer, "ring me on 020 7946 0958", "phone_number", region: "GB"));
    }

    [Theory]
    [InlineData("That comes to $1,299.99 plus tax.")]
    [InlineData("Your order number is 4158672301, keep it.")]
    [InlineData("I'd like two large pizzas at six thirty")]
    [InlineData("the card is 4111 1111 1111 1111")]
    [InlineData("the code is 867-2301")]
    public void Prices_order_numbers_quantities_and_cards_are_not_phone_numbers(string text)
    {
        Assert.Empty(Found.Values(_recognizer, text, "phone_number"));
    }

    [Fact]
    public void A_seven_digit_local_number_needs_a_phone_word_or_the_three_four_grouping()
    {
        Assert.Equal(["8672301"], Found.Values(_recognizer, "call me back at 8672301", "phone_number"));
        Assert.Empty(Found.Values(_recognizer, "it's 8672301", "phone_number"));
        Assert.Equal(["five five five, one two one two"], Found.Values(_recognizer, "it's five five five, one two one two", "phone_number"));
    }
}
