using Microsoft.AspNetCore.Http.Features;

namespace Cekura.Ingest.Webhooks;

/// <summary>
/// A webhook body read whole, once: the signature is computed over these exact bytes and the JSON document is parsed
/// over them in place, so the body sits in memory one time (plus the parser's small index), not once per step.
/// </summary>
public static class WebhookBody
{
    /// <summary>
    /// Into one array of the declared length when there is one and it fits the request's body limit (the gateway has
    /// already refused a longer declaration), else into a growing buffer handed over without a final copy.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? IngestModule.MaxRequestBytes;
        if (request.ContentLength is { } length && length <= Math.Min(limit, Array.MaxLength))
        {
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
