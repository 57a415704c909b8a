using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.Webhooks;

/// <summary>
/// One token bucket per webhook token and gateway instance, sized like a key that has no limits of its own
/// (<c>Gateway:RateLimit</c>): <c>Burst</c> requests at once, refilled at <c>PerMinute</c>.
/// </summary>
public sealed class WebhookTokenRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public WebhookTokenRateLimiter(IOptions<GatewayOptions> options)
    {
        var rate = options.Value.RateLimit;
        _limiter = PartitionedRateLimiter.Create<string, string>(tokenHash => RateLimitPartition.GetTokenBucketLimiter(tokenHash, _ => Bucket(rate)));
    }

    /// <summary>Takes one request from the token's bucket; null when allowed, else how long until the next one.</summary>
    public TimeSpan? TryAcquire(string tokenHashHex)
    {
        using var lease = _limiter.AttemptAcquire(tokenHashHex);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    private static TokenBucketRateLimiterOptions Bucket(RateLimitOptions rate)
    {
        // Refill every second when the rate allows at least one request a second, else one per 60/PerMinute s.
        var (period, tokens) = rate.PerMinute >= 60
            ? (TimeSpan.FromSeconds(1), rate.PerMinute / 60)
            : (TimeSpan.FromSeconds(60.0 / rate.PerMinute), 1);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    public void Dispose() => _limiter.Dispose();
}
