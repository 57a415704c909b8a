using Cekura.Hosting.Tenancy;

namespace Cekura.Gateway.ApiKeys;

/// <summary>
/// The gateway's door: on the public API paths a valid <c>X-CEKURA-API-KEY</c> is required; the resolved tenant
/// replaces whatever tenant headers the client sent. The same code runs whether the request is then proxied to a
/// separate ingest process (YARP forwards the headers) or served by ingest in this process.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    public const string HeaderName = "X-CEKURA-API-KEY";

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
            await DenyAsync(context, "Authentication credentials were not provided.");
            return;
        }
        var tenant = await authenticator.AuthenticateAsync(presented.Trim(), context.RequestAborted);
        if (tenant is null)
        {
            await DenyAsync(context, "Invalid API key.");
            return;
        }

        context.Request.Headers.Remove(HeaderName);
        TenantHeaders.Set(context.Request.Headers, tenant);
        await next(context);
    }

    private static Task DenyAsync(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = HeaderName;
        return context.Response.WriteAsJsonAsync(new { detail });
    }
}
