using Cekura.Redaction.Recognizers.Url;

namespace Cekura.Redaction.Tests.Recognizers.Url;

public sealed class UrlRecognizerTests
{
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
}
