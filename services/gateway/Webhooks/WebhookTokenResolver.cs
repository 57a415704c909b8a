using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.Webhooks;

/// <summary>
/// Resolves an agent's webhook token (by its SHA-256) to the agent's organisation and project. Like API keys, a
/// resolved token is cached for <see cref="GatewayOptions.KeyCacheSeconds"/>; ingest looks the token up again for
/// every request, so a rotation or revocation holds at once even while this cache still knows the old token.
/// </summary>
public sealed class WebhookTokenResolver(IAgentStore agents, IMemoryCache cache, IOptions<GatewayOptions> options)
{
    public async Task<Tenant?> ResolveAsync(string tokenHashHex, CancellationToken cancellationToken)
    {
        var cacheKey = "webhooktoken:" + tokenHashHex;
        if (cache.TryGetValue(cacheKey, out Tenant? cached))
        {
            return cached;
        }
        if (await agents.FindByWebhookTokenAsync(tokenHashHex, cancellationToken) is not { } agent)
        {
            return null;
        }
        var tenant = new Tenant(agent.OrganizationId, agent.ProjectId);
        if (options.Value.KeyCacheSeconds > 0)
        {
            cache.Set(cacheKey, tenant, TimeSpan.FromSeconds(options.Value.KeyCacheSeconds));
        }
        return tenant;
    }
}
