using System.Globalization;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.ApiKeys;

/// <summary>
/// The gateway's door on the public API paths: a valid <c>X-CEKURA-API-KEY</c>, its project (named by the request
/// for an organisation-wide key), its rate limit, and the body size limit. The resolved tenant replaces whatever
/// tenant headers the client sent. The same code runs whether the request is then proxied to a separate ingest
/// process (YARP forwards the headers) or served by ingest in this process.
/// </summary>
public sealed class ApiKeyMiddleware(
    RequestDelegate next, ApiKeyAuthenticator authenticator, KeyRateLimiter rateLimiter, ITenancyStore tenancy,
    IMemoryCache cache, IOptions<GatewayOptions> options, IOptions<GatewayTrustOptions> trust)
{
    public const string HeaderName = "X-CEKURA-API-KEY";
    public const string ProjectHeaderName = "X-CEKURA-PROJECT-ID";

    private static readonly PathString[] ProtectedPaths = ["/observability", "/test_framework"];

    public async Task InvokeAsync(HttpContext context)
    {
        TenantHeaders.Remove(context.Request.Headers);
        if (!ProtectedPaths.Any(p => context.Request.Path.StartsWithSegments(p)))
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
        if (!await ApplyBodyLimitAsync(context))
        {
            return;
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

    /// <summary>JSON and form bodies and uploads have separate limits; a declared length over it is refused before reading.</summary>
    private async Task<bool> ApplyBodyLimitAsync(HttpContext context)
    {
        var upload = context.Request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true;
        var limit = upload ? options.Value.MaxUploadBytes : options.Value.MaxJsonBytes;
        if (context.Request.ContentLength > limit)
        {
            await WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"Request body of {context.Request.ContentLength} bytes is over the {(upload ? "upload" : "JSON")} limit of {limit} bytes.");
            return false;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        return true;
    }

    private static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = HeaderName;
        }
        return context.Response.WriteAsJsonAsync(new { detail });
    }
}
