using Cekura.Redaction.Recognizers.Money;

namespace Cekura.Redaction.Tests.Recognizers.Money;

public sealed class MoneyRecognizerTests
{
    [Theory]
    [InlineData("That's $1,299.99 with tax.", "$1,299.99")]
    [InlineData("it comes to twelve hundred dollars", "twelve hundred dollars")]
    [InlineData("ninety nine dollars and ninety nine cents", "ninety nine dollars and ninety nine cents")]
    [InlineData("about 80 bucks", "80 bucks")]
    [InlineData("it's 9.99 a month", "9.99")]
    public void Amounts_with_a_currency_are_money(string text, string amount)
    {
        Assert.Equal([amount], Found.Values(new MoneyRecognizer(), text, "money"));
    }

    [Theory]
    [InlineData("two large pizzas")]
    [InlineData("order 1299 is ready")]
    public void Numbers_without_a_currency_are_not_money(string text)
    {
        Assert.Empty(Found.Values(new MoneyRecognizer(), text, "money"));
    }
}
