using Cekura.Hosting.Storage;

namespace Cekura.Ingest.Api;

/// <summary>
/// A write that found the store held by another writer for the whole busy timeout stored nothing and may succeed later:
/// the client gets a 503 with Retry-After (which webhook senders retry), not a 500.
/// </summary>
public sealed class StoreBusyFilter(ILogger<StoreBusyFilter> logger) : IEndpointFilter
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (StoreBusyException e)
        {
            logger.LogWarning(e, "{Method} {Path}: the store stayed busy, answered 503", context.HttpContext.Request.Method,
                context.HttpContext.Request.Path);
            return ApiErrors.Busy("The call store is busy: another writer held it for the whole wait. Nothing was stored; "
                + "send the request again shortly.", RetryAfter);
        }
    }
}
