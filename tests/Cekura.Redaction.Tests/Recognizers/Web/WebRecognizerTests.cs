using Cekura.Redaction.Recognizers.Email;
using Cekura.Redaction.Recognizers.Filename;
using Cekura.Redaction.Recognizers.Url;

namespace Cekura.Redaction.Tests.Recognizers.Web;

public sealed class WebRecognizerTests
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

    [Theory]
    [InlineData("Go to https://billing.acme.io/invoices/8812.", "https://billing.acme.io/invoices/8812")]
    [InlineData("find it at acme.com/returns", "acme.com/returns")]
    [InlineData("go to acme dot com slash returns", "acme dot com slash returns")]
    public void Urls_are_found_written_and_spoken(string text, string url)
    {
        Assert.Equal([url], Found.Values(new UrlRecognizer(), text, "url"));
    }

    [Theory]
    [InlineData("mail maria@acme.com")]
    [InlineData("it's maria at acme dot com")]
    public void The_domain_of_an_email_is_not_a_url(string text)
    {
        Assert.Empty(Found.Values(new UrlRecognizer(), text, "url"));
    }

    [Theory]
    [InlineData("I uploaded lab_results_2024.pdf yesterday", "lab_results_2024.pdf")]
    [InlineData("i sent invoice dot pdf", "invoice dot pdf")]
    public void File_names_with_known_extensions_are_found(string text, string file)
    {
        Assert.Equal([file], Found.Values(new FilenameRecognizer(), text, "filename"));
    }

    [Fact]
    public void Domains_and_abbreviations_are_not_file_names()
    {
        Assert.Empty(Found.Values(new FilenameRecognizer(), "e.g. go to acme.com", "filename"));
    }
}
