using Cekura.Gateway.ApiKeys;

namespace Cekura.Gateway.WebConsole;

/// <summary>
/// Lets the console's cookie stand in for <c>X-CEKURA-API-KEY</c> on the API paths: it opens the cookie and hands the
/// key to <see cref="ApiKeyMiddleware"/>, which then checks it (revocation, rate limit, project) exactly as if the
/// header had been sent. A header the client sent wins. A cookie-authenticated request that changes anything must
/// carry <see cref="ConsoleSessions.CsrfHeader"/>, which a form or script on another site cannot add.
/// </summary>
public sealed class ConsoleSessionMiddleware(RequestDelegate next, ConsoleSessions sessions)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!ApiKeyMiddleware.Protects(request.Path)
            || !string.IsNullOrWhiteSpace(request.Headers[ApiKeyMiddleware.HeaderName])
            || !request.Cookies.ContainsKey(ConsoleSessions.CookieName))
        {
            await next(context);
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && request.Headers[ConsoleSessions.CsrfHeader] != "1")
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new
            {
                detail = $"A request authenticated by the console's cookie that changes data must carry {ConsoleSessions.CsrfHeader}: 1.",
            });
            return;
        }
        if (sessions.Read(request) is { } session)
        {
            request.Headers[ApiKeyMiddleware.HeaderName] = session.ApiKey;
            if (session.ProjectId is { } project)
            {
                request.Headers[ApiKeyMiddleware.ProjectHeaderName] = project.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        // The API takes no cookies; the sealed key goes no further than the gateway.
        request.Headers.Remove("Cookie");
        await next(context);
    }
}
