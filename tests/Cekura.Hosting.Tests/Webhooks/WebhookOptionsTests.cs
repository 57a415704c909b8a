using Cekura.Hosting.Webhooks;

namespace Cekura.Hosting.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    private static IEnumerable<string> Errors(WebhookOptions options) =>
        new WebhookOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Errors(new WebhookOptions()));

    [Fact]
    public void A_lease_shorter_than_two_timeouts_is_refused() =>
        Assert.Equal(["Webhooks:LeaseSeconds (15) must be at least twice TimeoutSeconds (10)."],
            Errors(new WebhookOptions { LeaseSeconds = 15, TimeoutSeconds = 10 }));

    [Fact]
    public void A_cap_below_the_base_is_refused() =>
        Assert.Equal(["Webhooks:BackoffCapSeconds (1) is below BackoffBaseSeconds (5)."],
            Errors(new WebhookOptions { BackoffCapSeconds = 1 }));

    [Fact]
    public void A_malformed_allow_list_entry_is_refused() =>
        Assert.Equal(["AllowedPrivateHosts entry 'http://hooks.internal' is not a host name, an IP address or a CIDR range."],
            Errors(new WebhookOptions { AllowedPrivateHosts = ["hooks.internal", "10.0.0.0/8", "http://hooks.internal"] }));
}
