using System.Text.Json.Serialization;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using Scalar.AspNetCore;

namespace Cekura.Gateway.WebConsole;

/// <summary>The body of <c>POST /console/session</c>.</summary>
public sealed record SignInRequest(
    [property: JsonPropertyName("api_key")] string? ApiKey,
    [property: JsonPropertyName("project_id")] long? ProjectId);

/// <summary>
/// The web console (plain ES modules embedded in this assembly, served at <c>/</c> and <c>/console/…</c>), its
/// sign-in endpoints, and the interactive API reference at <c>/docs</c>. Same origin as the API, so the session
/// cookie can be SameSite=Strict and the pages need no CORS.
/// </summary>
public static class ConsoleApi
{
    private const string AssetsRoot = "WebConsole/wwwroot";

    // Only our own files: no inline script, no other origin. Audio comes from the API on this origin.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static WebApplication MapConsole(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(ConsoleApi).Assembly, AssetsRoot);
        // The console is not part of the public API: none of it goes into the OpenAPI document.
        var console = app.MapGroup("").ExcludeFromDescription();
        var session = console.MapGroup("/console/session");
        session.MapPost("", SignInAsync);
        session.MapGet("", CurrentAsync);
        session.MapDelete("", SignOut);

        console.MapGet("/", (HttpContext http) => Serve(http, files, "index.html"));
        console.MapGet("/console/assets/{**path}", (string path, HttpContext http) => Serve(http, files, "assets/" + path));
        // Every other /console/… path is a page of the single-page app: the script routes it.
        console.MapGet("/console/{**route}", (HttpContext http) => Serve(http, files, "index.html"));

        app.MapScalarApiReference("/docs", o => o
            .WithTitle("Cekura-compatible observability API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            // Nothing from other origins: the fonts come from Scalar's CDN unless turned off, and no usage reporting.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools());
        return app;
    }

    private static async Task<IResult> SignInAsync(SignInRequest? body, HttpContext http, ConsoleSessions sessions)
    {
        if (http.Request.Headers[ConsoleSessions.CsrfHeader] != "1")
        {
            return Results.Json(new { detail = $"Sign in from the console (it sends {ConsoleSessions.CsrfHeader}: 1)." },
                statusCode: StatusCodes.Status403Forbidden);
        }
        if (string.IsNullOrWhiteSpace(body?.ApiKey))
        {
            return Results.Json(new Dictionary<string, string[]> { ["api_key"] = ["This field is required."] },
                statusCode: StatusCodes.Status400BadRequest);
        }
        var candidate = new ConsoleSession(body.ApiKey.Trim(), body.ProjectId);
        var (view, problem) = await sessions.ValidateAsync(candidate, http.RequestAborted);
        if (view is null)
        {
            return Results.Json(new { detail = problem }, statusCode: StatusCodes.Status401Unauthorized);
        }
        // An organisation-wide key is pinned to the project it opened; a project key needs no project stored.
        sessions.SignIn(http, candidate with { ProjectId = candidate.ProjectId is null ? null : view.ProjectId });
        NoStore(http);
        return Results.Json(view);
    }

    private static async Task<IResult> CurrentAsync(HttpContext http, ConsoleSessions sessions)
    {
        NoStore(http);
        if (sessions.Read(http.Request) is not { } session)
        {
            return Results.Json(new { detail = "Not signed in." }, statusCode: StatusCodes.Status401Unauthorized);
        }
        var (view, problem) = await sessions.ValidateAsync(session, http.RequestAborted);
        if (view is null)
        {
            ConsoleSessions.SignOut(http);
            return Results.Json(new { detail = problem }, statusCode: StatusCodes.Status401Unauthorized);
        }
        return Results.Json(view);
    }

    private static IResult SignOut(HttpContext http)
    {
        if (http.Request.Headers[ConsoleSessions.CsrfHeader] != "1")
        {
            return Results.Json(new { detail = $"Sign out from the console (it sends {ConsoleSessions.CsrfHeader}: 1)." },
                statusCode: StatusCodes.Status403Forbidden);
        }
        ConsoleSessions.SignOut(http);
        return Results.NoContent();
    }

    private static IResult Serve(HttpContext http, IFileProvider files, string path)
    {
        var file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory || path.Contains("..", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (Last-Modified): a new build is picked up at once, an unchanged file costs a 304.
        headers.CacheControl = "no-cache";
        var contentType = ContentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";
        return Results.File(file.CreateReadStream(), contentType, lastModified: file.LastModified,
            entityTag: new EntityTagHeaderValue($"\"{file.LastModified.ToUnixTimeSeconds():x}-{file.Length:x}\""));
    }

    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";
}
