using Cekura.Redaction.Recognizers.Age;
using Cekura.Redaction.Recognizers.Money;

namespace Cekura.Redaction.Tests.Recognizers.Amounts;

public sealed class MoneyAndAgeRecognizerTests
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

    [Theory]
    [InlineData("i'm forty two years old", "forty two")]
    [InlineData("Patient is a 29-year-old male.", "29")]
    [InlineData("age 37", "37")]
    [InlineData("I just turned 65.", "65")]
    [InlineData("I am 34 years of age", "34")]
    public void Ages_are_the_number_only(string text, string age)
    {
        Assert.Equal([age], Found.Values(new AgeRecognizer(), text, "age"));
    }

    [Theory]
    [InlineData("I'm 5 minutes away")]
    [InlineData("I'm fine")]
    [InlineData("it's 200 years old")]
    public void Other_numbers_after_im_or_impossible_ages_are_not_ages(string text)
    {
        Assert.Empty(Found.Values(new AgeRecognizer(), text, "age"));
    }
}
