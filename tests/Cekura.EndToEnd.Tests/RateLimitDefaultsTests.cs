using Cekura.Contracts.Tenancy;
using Cekura.Gateway;
using Cekura.Gateway.ApiKeys;
using Cekura.Gateway.Webhooks;
using Microsoft.Extensions.Options;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The default per-key limit must not pace one busy webhook source below what one instance ingests (hundreds of
/// calls a second): a burst of a thousand passes, while a key's own limits still apply.
/// </summary>
public sealed class RateLimitDefaultsTests
{
    private static readonly IOptions<GatewayOptions> Defaults = Options.Create(new GatewayOptions());

    [Fact]
    public void By_default_one_key_may_send_a_thousand_requests_at_once()
    {
        using var limiter = new KeyRateLimiter(Defaults);
        var busy = Key(1);

        Assert.Equal(1000, Enumerable.Range(0, 1000).Count(_ => limiter.TryAcquire(busy) is null));
        Assert.InRange(Defaults.Value.RateLimit.PerMinute / 60, 1000, int.MaxValue);
    }

    [Fact]
    public void A_keys_own_limits_still_apply()
    {
        using var limiter = new KeyRateLimiter(Defaults);
        // One token a minute after the burst, so no refill can land within the test.
        var own = Key(2) with { RateLimitPerMinute = 1, RateLimitBurst = 5 };

        Assert.Equal(5, Enumerable.Range(0, 20).Count(_ => limiter.TryAcquire(own) is null));
        Assert.Equal(1000, Enumerable.Range(0, 1000).Count(_ => limiter.TryAcquire(Key(3)) is null));
    }

    [Fact]
    public void By_default_one_webhook_token_may_send_a_thousand_requests_at_once()
    {
        using var limiter = new WebhookTokenRateLimiter(Defaults);

        Assert.Equal(1000, Enumerable.Range(0, 1000).Count(_ => limiter.TryAcquire("token-hash") is null));
    }

    private static ApiKeyRecord Key(long id) => new()
    {
        Id = id, OrganizationId = 1, ProjectId = 1, Name = $"key {id}", Prefix = $"ck_live_{id:D8}", HashHex = $"{id:x64}",
    };
}
