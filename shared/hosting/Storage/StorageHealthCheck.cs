using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cekura.Hosting.Storage;

/// <summary>Ready once the call store answers a query (the schema exists and the server is reachable).</summary>
public sealed class StorageHealthCheck(IApiKeyStore keys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await keys.CountAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The call store is not reachable.", e);
        }
    }
}
