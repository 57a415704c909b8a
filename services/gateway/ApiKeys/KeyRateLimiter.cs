using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Cekura.Contracts.Tenancy;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.ApiKeys;

/// <summary>
/// One token bucket per API key and gateway instance: <c>Burst</c> requests at once, refilled at <c>PerMinute</c>.
/// With several gateway instances each enforces the limit on what it sees.
/// </summary>
public sealed class KeyRateLimiter(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<long, TokenBucketRateLimiter> _buckets = new();

    /// <summary>Takes one token; null when allowed, else how long until the next token.</summary>
    public TimeSpan? TryAcquire(ApiKeyRecord key)
    {
        var bucket = _buckets.GetOrAdd(key.Id, _ => Create(key));
        using var lease = bucket.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    private TokenBucketRateLimiter Create(ApiKeyRecord key)
    {
        var perMinute = key.RateLimitPerMinute ?? options.Value.RateLimit.PerMinute;
        var burst = key.RateLimitBurst ?? options.Value.RateLimit.Burst;
        // Refill every second when the rate allows at least one token a second, else one token per 60/perMinute s.
        var (period, tokens) = perMinute >= 60
            ? (TimeSpan.FromSeconds(1), perMinute / 60)
            : (TimeSpan.FromSeconds(60.0 / perMinute), 1);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }
}
