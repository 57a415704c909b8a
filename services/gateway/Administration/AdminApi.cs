using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cekura.Gateway.ApiKeys;
using Cekura.Hosting.Storage;

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
        var admin = app.MapGroup("/admin/v1").ExcludeFromDescription().AddEndpointFilter<StoreBusyFilter>();
        admin.MapPost("/organizations/", async (NameBody body, KeyAdministration keys, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(body.Name)
                ? Results.BadRequest(new Dictionary<string, string[]> { ["name"] = ["This field may not be blank."] })
                : Results.Json(await keys.CreateOrganizationAsync(body.Name.Trim(), ct), statusCode: StatusCodes.Status201Created));
        admin.MapGet("/organizations/", (KeyAdministration keys, CancellationToken ct) => keys.ListOrganizationsAsync(ct));
        admin.MapPost("/organizations/{id:long}/projects/", CreateProjectAsync);
        admin.MapGet("/organizations/{id:long}/projects/", (long id, KeyAdministration keys, CancellationToken ct) => keys.ListProjectsAsync(id, ct));
        admin.MapGet("/projects/{id:long}/", GetProjectAsync);
        admin.MapPatch("/projects/{id:long}/", UpdateProjectAsync);
        admin.MapPost("/keys/", CreateKeyAsync);
        admin.MapGet("/keys/", (long? organization_id, KeyAdministration keys, CancellationToken ct) => keys.ListKeysAsync(organization_id, ct));
        admin.MapPost("/keys/{id:long}/revoke/", RevokeAsync);
        return app;
    }

    /// <summary><c>{"name": "...", "retention_days": 30}</c>; retention_days may be left out or null (the installation's default).</summary>
    private static async Task<IResult> CreateProjectAsync(long id, HttpContext http, KeyAdministration keys, CancellationToken ct)
    {
        var (body, refusal) = await ReadObjectAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new Dictionary<string, string[]>();
        var name = ProjectName(body, errors, required: true);
        var retention = RetentionDays(body, errors);
        if (errors.Count > 0)
        {
            return Results.BadRequest(errors);
        }
        var project = await keys.CreateProjectAsync(id, name!, retention?.Days, ct);
        return project is null ? Results.NotFound(new { detail = "Not found." }) : Results.Json(project, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetProjectAsync(long id, KeyAdministration keys, CancellationToken ct) =>
        await keys.GetProjectAsync(id, ct) is { } project ? Results.Json(project) : Results.NotFound(new { detail = "Not found." });

    /// <summary>Renames the project or sets its retention; fields left out stay, <c>"retention_days": null</c> returns to the default.</summary>
    private static async Task<IResult> UpdateProjectAsync(long id, HttpContext http, KeyAdministration keys, CancellationToken ct)
    {
        var (body, refusal) = await ReadObjectAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new Dictionary<string, string[]>();
        var name = ProjectName(body, errors, required: false);
        var retention = RetentionDays(body, errors);
        if (errors.Count > 0)
        {
            return Results.BadRequest(errors);
        }
        var project = await keys.UpdateProjectAsync(id, p => p with
        {
            Name = name ?? p.Name,
            RetentionDays = retention is { } set ? set.Days : p.RetentionDays,
        }, ct);
        return project is null ? Results.NotFound(new { detail = "Not found." }) : Results.Json(project);
    }

    private static async Task<(JsonElement Body, IResult? Refusal)> ReadObjectAsync(HttpContext http, CancellationToken ct)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (document.RootElement.Clone(), null);
            }
            return (default, Results.BadRequest(new Dictionary<string, string[]>
            {
                ["non_field_errors"] = ["Invalid data. Expected a dictionary."],
            }));
        }
        catch (JsonException e)
        {
            return (default, Results.BadRequest(new { detail = $"JSON parse error - {e.Message}" }));
        }
    }

    private static string? ProjectName(JsonElement body, Dictionary<string, string[]> errors, bool required)
    {
        if (!body.TryGetProperty("name", out var value) && !required)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors["name"] = [value.ValueKind is JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null
                ? "This field may not be blank."
                : "Not a valid string."];
            return null;
        }
        return value.GetString()!.Trim();
    }

    /// <summary>A retention the request sets (possibly to null), or null when it leaves retention_days out.</summary>
    private static RetentionSetting? RetentionDays(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("retention_days", out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            return new RetentionSetting(null);
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var days))
        {
            errors["retention_days"] = ["A valid integer is required."];
            return null;
        }
        if (KeyAdministration.RetentionProblem(days) is { } problem)
        {
            errors["retention_days"] = [problem];
            return null;
        }
        return new RetentionSetting((int)days);
    }

    private sealed record RetentionSetting(int? Days);

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
