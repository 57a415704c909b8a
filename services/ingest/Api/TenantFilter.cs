using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Tenancy;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Api;

/// <summary>Ingest trusts only the tenant the gateway stamped; a request without it did not come through the gateway.</summary>
public sealed class TenantFilter(IOptions<GatewayTrustOptions> trust) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var tenant = TenantHeaders.Read(context.HttpContext.Request.Headers, trust.Value.InternalSecret);
        if (tenant is null)
        {
            return ApiErrors.Detail(StatusCodes.Status401Unauthorized, "Authentication credentials were not provided.");
        }
        context.HttpContext.Items[typeof(Tenant)] = tenant;
        return await next(context);
    }
}

public static class TenantHttpContextExtensions
{
    public static Tenant Tenant(this HttpContext context) => (Tenant)context.Items[typeof(Tenant)]!;
}
