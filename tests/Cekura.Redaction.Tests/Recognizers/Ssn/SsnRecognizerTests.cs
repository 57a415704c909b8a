using Cekura.Redaction.Recognizers.Ssn;

namespace Cekura.Redaction.Tests.Recognizers.Ssn;

public sealed class SsnRecognizerTests
{
    private readonly SsnRecognizer _recognizer = new();

    [Theory]
    [InlineData("it's 536-22-1947", "536-22-1947")]
    [InlineData("my social is 536221947", "536221947")]
    [InlineData("social security number five three six, two two, one nine four seven", "five three six, two two, one nine four seven")]
    [InlineData("five three six two two one nine four seven is my social", "five three six two two one nine four seven")]
    public void Valid_numbers_in_the_ssn_shape_or_after_social_are_found(string text, string ssn)
    {
        Assert.Equal([ssn], Found.Values(_recognizer, text, "ssn"));
    }

    [Theory]
    [InlineData("my social is 666-22-1947")]
    [InlineData("my social is 912-22-1947")]
    [InlineData("my social is 000-22-1947")]
    [InlineData("my social is 536-00-1947")]
    [InlineData("my social is 536-22-0000")]
    [InlineData("my social is 078-05-1120")]
    public void Numbers_the_SSA_never_issues_are_not_ssns(string text)
    {
        Assert.Empty(Found.Values(_recognizer, text, "ssn"));
    }

    [Fact]
    public void Nine_ungrouped_digits_need_social_security_context()
    {
        Assert.Empty(Found.Values(_recognizer, "the reference is 536221947", "ssn"));
    }

    [Fact]
    public void The_last_four_count_after_social()
    {
        Assert.Equal(["one nine four seven"], Found.Values(_recognizer, "the last four of my social are one nine four seven", "ssn"));
        Assert.Empty(Found.Values(_recognizer, "the last four are one nine four seven", "ssn"));
    }
}
