using Cekura.Contracts.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Cekura.Hosting.Tenancy;

/// <summary>
/// The internal headers by which the gateway tells ingest who a request acts for. The gateway strips any copy a
/// client sent before it adds its own, so ingest can trust them.
/// </summary>
public static class TenantHeaders
{
    public const string OrganizationId = "X-Cekura-Organization-Id";
    public const string ProjectId = "X-Cekura-Project-Id";

    public static readonly IReadOnlyList<string> All = [OrganizationId, ProjectId];

    public static void Remove(IHeaderDictionary headers)
    {
        foreach (var name in All)
        {
            headers.Remove(name);
        }
    }

    public static void Set(IHeaderDictionary headers, Tenant tenant)
    {
        headers[OrganizationId] = tenant.OrganizationId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers[ProjectId] = tenant.ProjectId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Tenant? Read(IHeaderDictionary headers) =>
        long.TryParse(headers[OrganizationId], out var org) && long.TryParse(headers[ProjectId], out var project)
            ? new Tenant(org, project)
            : null;
}
