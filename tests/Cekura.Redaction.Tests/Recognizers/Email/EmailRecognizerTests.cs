using Cekura.Redaction.Recognizers.Email;

namespace Cekura.Redaction.Tests.Recognizers.Email;

public sealed class EmailRecognizerTests
{
    [Theory]
    [InlineData("Send it to john.smith@gmail.com, thanks.", "john.smith@gmail.com")]
    [InlineData("my email is john dot smith at gmail dot com thanks", "john dot smith at gmail dot com")]
    public void Emails_are_found_written_and_spoken(string text, string email)
    {
        Assert.Equal([email], Found.Values(new EmailRecognizer(), text, "email_address"));
    }

    [Fact]
    public void Meeting_at_a_place_is_not_an_email()
    {
        Assert.Empty(Found.Values(new EmailRecognizer(), "meet me at the office at noon", "email_address"));
    }
}
