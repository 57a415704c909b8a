using Cekura.Hosting.Storage.Sqlite;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cekura.Hosting.Storage;

/// <summary>
/// A write that found the store held by another writer for the whole busy timeout stored nothing and may succeed later:
/// the client gets a 503 with Retry-After (which webhook senders and operators' scripts retry) in the API's
/// <c>{"detail": ...}</c> shape, not a 500. On every endpoint group that writes: ingest's API and the gateway's admin API
/// (which shares the SQLite file with ingest in a split deployment). A single-statement write outside
/// <see cref="SqliteDatabase.BeginWrite"/> fails as SQLite's own busy error, the same case.
/// </summary>
public sealed class StoreBusyFilter(ILogger<StoreBusyFilter> logger) : IEndpointFilter
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (e is StoreBusyException || e is SqliteException sqlite && SqliteDatabase.IsBusy(sqlite))
        {
            var http = context.HttpContext;
            logger.LogWarning(e, "{Method} {Path}: the store stayed busy, answered 503", http.Request.Method, http.Request.Path);
            http.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new
            {
                detail = "The store is busy: another writer held it for the whole wait. Nothing was stored; "
                    + "send the request again shortly.",
            }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
