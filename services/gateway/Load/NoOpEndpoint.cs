using System.Buffers;

namespace Cekura.Gateway.Load;

/// <summary>
/// <c>POST /observability/v1/noop/</c>, mapped only with <see cref="GatewayOptions.NoOpEndpoint"/>: the ceiling the
/// load generator measures our ingest against. It sits behind the same key check, rate limit and body limit as every
/// API route (it is under <c>/observability</c>), reads the whole body as ingest would, and answers <c>201</c> without
/// touching ingest, the stores or the bus. When ingest runs in another process, the gateway answers it itself, so the
/// ceiling includes what the gateway costs but not the proxy hop.
/// </summary>
public static class NoOpEndpoint
{
    public const string Path = "/observability/v1/noop/";

    public static WebApplication MapNoOpEndpoint(this WebApplication app)
    {
        app.MapPost(Path, ReadAndAcceptAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReadAndAcceptAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }
            return Results.Json(new { bytes = total }, statusCode: StatusCodes.Status201Created);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
