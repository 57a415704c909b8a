using System.Globalization;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Traces;
using Cekura.Hosting.Tenancy;
using Cekura.Gateway.Limits;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.ApiKeys;

/// <summary>
/// The gateway's door on the public API paths: a valid <c>X-CEKURA-API-KEY</c>, its project (named by the request
/// for an organisation-wide key), its rate limit, and the body size limit of the route (<see cref="BodyLimits"/>).
/// The resolved tenant replaces whatever tenant headers the client sent, and the client's X-Forwarded-* are dropped.
/// The same code runs whether the request is then proxied to a separate ingest process (YARP forwards the headers)
/// or served by ingest in this process.
/// </summary>
public sealed class ApiKeyMiddleware(
    RequestDelegate next, ApiKeyAuthenticator authenticator, KeyRateLimiter rateLimiter, ITenancyStore tenancy,
    IMemoryCache cache, IOptions<GatewayOptions> options, IOptions<GatewayTrustOptions> trust, IOptions<TracesOptions> traces)
{
    public const string HeaderName = "X-CEKURA-API-KEY";
    public const string ProjectHeaderName = "X-CEKURA-PROJECT-ID";

    private static readonly PathString[] ProtectedPaths = ["/observability", "/test_framework", OtlpHttp.TracesPath];

    /// <summary>True for the public API paths, which need a key.</summary>
    public static bool Protects(PathString path) => ProtectedPaths.Any(p => path.StartsWithSegments(p));

    public async Task InvokeAsync(HttpContext context)
    {
        TenantHeaders.Remove(context.Request.Headers);
        // Whatever a client claims about the origin it used: when proxying, YARP sets these from this request.
        foreach (var name in PublicOrigin.ForwardedHeaders)
        {
            context.Request.Headers.Remove(name);
        }
        if (!Protects(context.Request.Path))
        {
            await next(context);
            return;
        }

        var presented = context.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrWhiteSpace(presented))
        {
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Authentication credentials were not provided.");
            return;
        }
        var key = await authenticator.AuthenticateAsync(presented.Trim(), context.RequestAborted);
        if (key is null)
        {
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Invalid API key.");
            return;
        }
        if (rateLimiter.TryAcquire(key) is { } retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await WriteAsync(context, StatusCodes.Status429TooManyRequests, $"Request was throttled. Expected available in {seconds} seconds.");
            return;
        }
        var tenant = await ResolveTenantAsync(context, key);
        if (tenant is null)
        {
            return;
        }
        if (OtlpHttp.IsTraces(context.Request.Path))
        {
            if (context.Request.ContentLength > traces.Value.MaxBodyBytes)
            {
                await WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                    $"Request body of {context.Request.ContentLength} bytes is over the trace export limit of {traces.Value.MaxBodyBytes} bytes.");
                return;
            }
            await BodyLimits.ApplyAsync(context, traces.Value.MaxBodyBytes, "trace export");
        }
        else
        {
            var upload = BodyLimits.IsUpload(context.Request);
            if (!await BodyLimits.ApplyAsync(context, upload ? options.Value.MaxUploadBytes : options.Value.MaxJsonBytes, upload ? "upload" : "JSON"))
            {
                return;
            }
        }

        context.Request.Headers.Remove(HeaderName);
        TenantHeaders.Set(context.Request.Headers, tenant, trust.Value.InternalSecret);
        await next(context);
    }

    /// <summary>A project key is its project; an organisation-wide key must name one of its organisation's projects.</summary>
    private async Task<Tenant?> ResolveTenantAsync(HttpContext context, ApiKeyRecord key)
    {
        if (!key.OrganizationWide)
        {
            return new Tenant(key.OrganizationId, key.ProjectId);
        }
        var named = context.Request.Query["project_id"].FirstOrDefault() ?? context.Request.Headers[ProjectHeaderName].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(named) && OtlpHttp.IsTraces(context.Request.Path))
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest,
                "This API key belongs to the whole organisation: name the project with the X-CEKURA-PROJECT-ID header.");
            return null;
        }
        if (string.IsNullOrWhiteSpace(named))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string[]>
            {
                ["project_id"] = ["This API key belongs to the whole organisation: name the project with ?project_id= or the X-CEKURA-PROJECT-ID header."],
            });
            return null;
        }
        var project = long.TryParse(named, NumberStyles.None, CultureInfo.InvariantCulture, out var projectId)
            ? await cache.GetOrCreateAsync($"project:{projectId}", entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(60);
                return tenancy.GetProjectAsync(projectId, context.RequestAborted);
            })
            : null;
        if (project is null || project.OrganizationId != key.OrganizationId)
        {
            // Another organisation's project is indistinguishable from a missing one.
            await WriteAsync(context, StatusCodes.Status404NotFound, "Not found.");
            return null;
        }
        return new Tenant(key.OrganizationId, project.Id);
    }

    private static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = HeaderName;
        }
        // An OpenTelemetry exporter reads a google.rpc.Status in its own encoding, not the API's {"detail"}.
        return OtlpHttp.IsTraces(context.Request.Path)
            ? OtlpHttp.WriteStatusAsync(context, status, detail)
            : context.Response.WriteAsJsonAsync(new { detail });
    }
}
