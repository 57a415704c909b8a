using Cekura.Redaction.Recognizers.IpAddress;

namespace Cekura.Redaction.Tests.Recognizers.IpAddress;

public sealed class IpAddressRecognizerTests
{
    private readonly IpAddressRecognizer _recognizer = new();

    [Theory]
    [InlineData("my ip is 192.168.1.10.", "192.168.1.10")]
    [InlineData("it shows fe80::1ff:fe23:4567:890a now", "fe80::1ff:fe23:4567:890a")]
    [InlineData("the ip is one nine two dot one six eight dot one dot ten ok", "one nine two dot one six eight dot one dot ten")]
    public void Addresses_that_parse_are_found(string text, string ip)
    {
        Assert.Equal([ip], Found.Values(_recognizer, text, "ip_address"));
    }

    [Theory]
    [InlineData("the ip is 999.168.1.10")]
    [InlineData("we're on 2.4.1")]
    [InlineData("we're on version 10.2.0.1")]
    [InlineData("meet at 10:30:15")]
    public void Look_alikes_that_do_not_parse_or_are_versions_are_not_addresses(string text)
    {
        Assert.Empty(Found.Values(_recognizer, text, "ip_address"));
    }
}
