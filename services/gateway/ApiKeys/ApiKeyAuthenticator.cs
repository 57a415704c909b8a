using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.ApiKeys;

/// <summary>
/// Resolves a presented key to its stored record. Verified keys are cached for <see cref="GatewayOptions.KeyCacheSeconds"/>,
/// which bounds how long a revocation takes to reach every gateway instance; the cache is keyed by the hash, never the key.
/// </summary>
public sealed class ApiKeyAuthenticator(
    IApiKeyStore store, IMemoryCache cache, IOptions<GatewayOptions> options, TimeProvider clock, ILogger<ApiKeyAuthenticator> logger)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<ApiKeyRecord?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (presentedKey.Length is < ApiKeyHasher.VisiblePrefixLength or > 256)
        {
            return null;
        }
        var cacheKey = CacheKey(ApiKeyHasher.HashHex(presentedKey));
        if (cache.TryGetValue(cacheKey, out ApiKeyRecord? cached))
        {
            return cached;
        }

        ApiKeyRecord? found = null;
        foreach (var candidate in await store.FindByPrefixAsync(ApiKeyHasher.VisiblePrefix(presentedKey), cancellationToken))
        {
            if (candidate.RevokedAt is null && ApiKeyHasher.Matches(presentedKey, candidate.HashHex))
            {
                found = candidate;
            }
        }
        if (found is null)
        {
            return null;
        }
        found = await RecordUseAsync(found, cancellationToken);
        if (options.Value.KeyCacheSeconds > 0)
        {
            cache.Set(cacheKey, found, TimeSpan.FromSeconds(options.Value.KeyCacheSeconds));
        }
        return found;
    }

    /// <summary>Makes this instance forget a key at once (after a revocation here).</summary>
    public void Forget(ApiKeyRecord key) => cache.Remove(CacheKey(key.HashHex));

    // last_used_at to the minute: written at most once a minute per key and instance, on a cache miss.
    private async Task<ApiKeyRecord> RecordUseAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (key.LastUsedAt is { } last && now - last < LastUsedResolution)
        {
            return key;
        }
        var used = key with { LastUsedAt = now };
        try
        {
            await store.UpdateAsync(used, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not record the last use of API key {KeyId}", key.Id);
        }
        return used;
    }

    private static string CacheKey(string hashHex) => "apikey:" + hashHex;
}
