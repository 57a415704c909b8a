using System.Globalization;
using Cekura.Hosting.Tenancy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.Webhooks;

/// <summary>
/// The gateway's door for an agent's tokened webhook URL, <c>/observability/v1/{provider}/observe/t/{token}/</c>, which
/// providers that cannot send headers (Retell, ElevenLabs) call without an API key: the token names the agent's
/// organisation and project, which are stamped like a key's (whatever tenant headers the client sent are dropped),
/// with the token's own rate limit and the JSON body limit. Ingest then requires the provider's signature. An
/// unknown or revoked token is a plain 404, the same as for any path that does not exist.
/// </summary>
public sealed class WebhookTokenMiddleware(
    RequestDelegate next, WebhookTokenResolver resolver, WebhookTokenRateLimiter rateLimiter, IOptions<GatewayOptions> options,
    IOptions<GatewayTrustOptions> trust)
{
    /// <summary>Whether the request is for a tokened webhook URL (this middleware's, instead of the API key check).</summary>
    public static bool Handles(HttpContext context) => WebhookTokens.TryRead(context.Request.Path, out _);

    public async Task InvokeAsync(HttpContext context)
    {
        TenantHeaders.Remove(context.Request.Headers);
        var hash = WebhookTokens.TryRead(context.Request.Path, out var token) && WebhookTokens.IsWellFormed(token)
            ? WebhookTokens.HashHex(token)
            : null;
        var tenant = hash is null ? null : await resolver.ResolveAsync(hash, context.RequestAborted);
        if (hash is null || tenant is null)
        {
            await WriteAsync(context, StatusCodes.Status404NotFound, "Not found.");
            return;
        }
        if (rateLimiter.TryAcquire(hash) is { } retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await WriteAsync(context, StatusCodes.Status429TooManyRequests, $"Request was throttled. Expected available in {seconds} seconds.");
            return;
        }
        // Provider webhooks are JSON: the JSON limit applies, declared or not.
        var limit = options.Value.MaxJsonBytes;
        if (context.Request.ContentLength > limit)
        {
            await WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"Request body of {context.Request.ContentLength} bytes is over the JSON limit of {limit} bytes.");
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        TenantHeaders.Set(context.Request.Headers, tenant, trust.Value.InternalSecret);
        await next(context);
    }

    private static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { detail });
    }
}
