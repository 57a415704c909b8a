using Cekura.Gateway.ApiKeys;

namespace Cekura.Gateway.Administration;

public sealed record NameBody(string? Name);

public sealed record KeyBody(
    long OrganizationId, long? ProjectId, string? Name, bool? OrganizationWide, int? RateLimitPerMinute, int? RateLimitBurst);

/// <summary>
/// <c>/admin/v1/</c>: organisations, projects and keys for operators, behind <c>X-CEKURA-ADMIN-KEY</c>
/// (<see cref="GatewayOptions.AdminKey"/>), which <see cref="AdminKeyMiddleware"/> checks before any of these run.
/// </summary>
public static class AdminApi
{
    public static WebApplication MapAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup("/admin/v1").ExcludeFromDescription();
        admin.MapPost("/organizations/", async (NameBody body, KeyAdministration keys, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(body.Name)
                ? Results.BadRequest(new Dictionary<string, string[]> { ["name"] = ["This field may not be blank."] })
                : Results.Json(await keys.CreateOrganizationAsync(body.Name.Trim(), ct), statusCode: StatusCodes.Status201Created));
        admin.MapGet("/organizations/", (KeyAdministration keys, CancellationToken ct) => keys.ListOrganizationsAsync(ct));
        admin.MapPost("/organizations/{id:long}/projects/", CreateProjectAsync);
        admin.MapGet("/organizations/{id:long}/projects/", (long id, KeyAdministration keys, CancellationToken ct) => keys.ListProjectsAsync(id, ct));
        admin.MapPost("/keys/", CreateKeyAsync);
        admin.MapGet("/keys/", (long? organization_id, KeyAdministration keys, CancellationToken ct) => keys.ListKeysAsync(organization_id, ct));
        admin.MapPost("/keys/{id:long}/revoke/", RevokeAsync);
        return app;
    }

    private static async Task<IResult> CreateProjectAsync(long id, NameBody body, KeyAdministration keys, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            return Results.BadRequest(new Dictionary<string, string[]> { ["name"] = ["This field may not be blank."] });
        }
        var project = await keys.CreateProjectAsync(id, body.Name.Trim(), ct);
        return project is null ? Results.NotFound(new { detail = "Not found." }) : Results.Json(project, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> CreateKeyAsync(KeyBody body, KeyAdministration keys, CancellationToken ct)
    {
        var (created, field, error) = await keys.CreateKeyAsync(new NewKeyRequest(
            body.OrganizationId, body.ProjectId, body.Name ?? "", body.OrganizationWide ?? false, body.RateLimitPerMinute, body.RateLimitBurst), ct);
        return created is null
            ? Results.BadRequest(new Dictionary<string, string[]> { [field!] = [error!] })
            : Results.Json(created, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeAsync(long id, KeyAdministration keys, ApiKeyAuthenticator authenticator, CancellationToken ct)
    {
        var revoked = await keys.RevokeAsync(id, ct);
        if (revoked is null)
        {
            return Results.NotFound(new { detail = "Not found." });
        }
        authenticator.Forget(revoked);
        return Results.Json(KeyView.From(revoked));
    }
}
