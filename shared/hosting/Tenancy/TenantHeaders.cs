using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cekura.Contracts.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Cekura.Hosting.Tenancy;

/// <summary>
/// The internal headers by which the gateway tells ingest who a request acts for. The gateway strips any copy a
/// client sent before it adds its own, so ingest can trust them.
/// </summary>
public static class TenantHeaders
{
    public const string OrganizationId = "X-Cekura-Internal-Organization-Id";
    public const string ProjectId = "X-Cekura-Internal-Project-Id";

    /// <summary>Carries <see cref="GatewayTrustOptions.InternalSecret"/> from the gateway to ingest.</summary>
    public const string GatewaySecret = "X-Cekura-Internal-Gateway-Secret";

    public static readonly IReadOnlyList<string> All = [OrganizationId, ProjectId, GatewaySecret];

    public static void Remove(IHeaderDictionary headers)
    {
        foreach (var name in All)
        {
            headers.Remove(name);
        }
    }

    public static void Set(IHeaderDictionary headers, Tenant tenant, string? gatewaySecret)
    {
        if (!string.IsNullOrEmpty(gatewaySecret))
        {
            headers[GatewaySecret] = gatewaySecret;
        }
        headers[OrganizationId] = tenant.OrganizationId.ToString(CultureInfo.InvariantCulture);
        headers[ProjectId] = tenant.ProjectId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The stamped tenant, or null when it is missing or the gateway secret (when one is configured) does not match.</summary>
    public static Tenant? Read(IHeaderDictionary headers, string? gatewaySecret) =>
        (string.IsNullOrEmpty(gatewaySecret) || FromGateway(headers, gatewaySecret))
        && long.TryParse(headers[OrganizationId], out var org) && long.TryParse(headers[ProjectId], out var project)
            ? new Tenant(org, project)
            : null;

    /// <summary>True when a secret is configured and the request carries it: the gateway sent it.</summary>
    public static bool FromGateway(IHeaderDictionary headers, string? gatewaySecret) =>
        !string.IsNullOrEmpty(gatewaySecret) && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(headers[GatewaySecret].ToString()), Encoding.UTF8.GetBytes(gatewaySecret));
}
