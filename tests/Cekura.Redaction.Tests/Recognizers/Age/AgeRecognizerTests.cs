using Cekura.Redaction.Recognizers.Age;

namespace Cekura.Redaction.Tests.Recognizers.Age;

public sealed class AgeRecognizerTests
{
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
