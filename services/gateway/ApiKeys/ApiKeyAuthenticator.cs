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

    // Counts Forget calls: a lookup that overlapped one may hold a record read before that revocation, so it must not
    // stay in the cache (see AuthenticateAsync).
    private long _forgets;

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

        var forgetsBefore = Interlocked.Read(ref _forgets);
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
        if (found is null || found.RevokedAt is not null)
        {
            return null;
        }
        if (options.Value.KeyCacheSeconds > 0)
        {
            cache.Set(cacheKey, found, TimeSpan.FromSeconds(options.Value.KeyCacheSeconds));
            // A revocation here after our read: either its Forget removes what we just cached, or it came before the
            // Set and the count has moved, so we take it out ourselves.
            if (Interlocked.Read(ref _forgets) != forgetsBefore)
            {
                cache.Remove(cacheKey);
            }
        }
        return found;
    }

    /// <summary>Makes this instance forget a key at once (after a revocation here).</summary>
    public void Forget(ApiKeyRecord key)
    {
        Interlocked.Increment(ref _forgets);
        cache.Remove(CacheKey(key.HashHex));
    }

    /// <summary>
    /// last_used_at to the minute: written at most once a minute per key and instance, on a cache miss, as a targeted
    /// update that cannot undo a revocation. Returns the key as stored now (revoked if a revocation won the race),
    /// or null when it was deleted; on a store error the key as read.
    /// </summary>
    private async Task<ApiKeyRecord?> RecordUseAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (key.LastUsedAt is { } last && now - last < LastUsedResolution)
        {
            return key;
        }
        try
        {
            return await store.RecordUseAsync(key.Id, now, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not record the last use of API key {KeyId}", key.Id);
            return key;
        }
    }

    private static string CacheKey(string hashHex) => "apikey:" + hashHex;
}
