using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.ApiKeys;

/// <summary>Resolves a presented key to its tenant; verified keys are cached briefly so the store is not asked per request.</summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore store, IMemoryCache cache, IOptions<GatewayOptions> options)
{
    public async Task<Tenant?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (presentedKey.Length is < ApiKeyHasher.VisiblePrefixLength or > 256)
        {
            return null;
        }
        // The cache is keyed by the hash, never by the key itself.
        var cacheKey = "apikey:" + ApiKeyHasher.HashHex(presentedKey);
        if (cache.TryGetValue(cacheKey, out Tenant? cached))
        {
            return cached;
        }

        Tenant? tenant = null;
        foreach (var candidate in await store.FindByPrefixAsync(ApiKeyHasher.VisiblePrefix(presentedKey), cancellationToken))
        {
            if (candidate.RevokedAt is null && ApiKeyHasher.Matches(presentedKey, candidate.HashHex))
            {
                tenant = new Tenant(candidate.OrganizationId, candidate.ProjectId);
            }
        }
        if (tenant is not null && options.Value.KeyCacheSeconds > 0)
        {
            cache.Set(cacheKey, tenant, TimeSpan.FromSeconds(options.Value.KeyCacheSeconds));
        }
        return tenant;
    }
}
