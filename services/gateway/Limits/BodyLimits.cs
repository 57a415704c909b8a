using Microsoft.AspNetCore.Http.Features;

namespace Cekura.Gateway.Limits;

/// <summary>
/// How large a request body may be. The limit follows the route, never only what the client declares: a
/// multipart <c>Content-Type</c> buys the upload limit on Send Calls alone, the one route that takes a recording file;
/// every other API route gets the JSON limit whatever it declares, and the admin API a small one.
/// </summary>
public static class BodyLimits
{
    /// <summary>Send Calls (ingest's <c>ObserveApi</c>); routing ignores letter case and a missing trailing slash, so do we.</summary>
    public static readonly PathString SendCalls = "/observability/v1/observe";

    /// <summary>A Send Calls request with a multipart body: the only request that may carry a recording upload.</summary>
    public static bool IsUpload(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals(SendCalls, StringComparison.OrdinalIgnoreCase)
            || request.Path.Equals(SendCalls.Add("/"), StringComparison.OrdinalIgnoreCase))
        && request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Refuses a declared length over <paramref name="limit"/> before anything is read (413), and caps what may be read
    /// of a body without a declared length. False when the request has been answered.
    /// </summary>
    public static async Task<bool> ApplyAsync(HttpContext context, long limit, string kind)
    {
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.Response.WriteAsJsonAsync(new
            {
                detail = $"Request body of {context.Request.ContentLength} bytes is over the {kind} limit of {limit} bytes.",
            });
            return false;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        return true;
    }
}
