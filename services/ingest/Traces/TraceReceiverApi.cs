using System.Buffers;
using System.IO.Compression;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Traces;
using Cekura.Ingest.Api;
using Cekura.Ingest.Traces.Otlp;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Cekura.Ingest.Traces;

/// <summary>
/// <c>POST /v1/traces</c>: OTLP/HTTP's trace export, so a voice agent points any OpenTelemetry SDK's exporter at us
/// with its API key. The gateway has already checked the key, the rate limit and the declared size, and stamped the
/// tenant; here the body is read (gzip undone) within <see cref="TracesOptions.MaxBodyBytes"/>, decoded, the
/// documented spans normalised, and the spans stored in the key's project.
/// </summary>
public static class TraceReceiverApi
{
    public const string AgentHeader = "X-CEKURA-AGENT-ID";

    public static RouteGroupBuilder MapTraceReceiverApi(this RouteGroupBuilder group)
    {
        group.MapPost(OtlpHttp.TracesPath, ExportAsync)
            .WithName("ExportTraces")
            .WithSummary("OTLP/HTTP trace export (protobuf or JSON, optionally gzip): the voice agent's own spans, stored in the key's project.")
            .WithDescription(
                "Point an OpenTelemetry OTLP/HTTP exporter here with the header x-cekura-api-key. Bodies: application/x-protobuf or " +
                "application/json (OTLP's JSON: hex ids), Content-Encoding gzip allowed, at most Traces:MaxBodyBytes after decompression. " +
                "Answers ExportTraceServiceResponse in the request's encoding, with partial_success when spans were refused " +
                "(bad ids, or over Traces:MaxSpansPerTrace); failures carry a google.rpc.Status.")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), OtlpHttp.ProtobufType, OtlpHttp.JsonType)
            // 401, 413, 429 and 504 are the gateway's, added to every operation by CekuraDocumentTransformer.
            .Produces(StatusCodes.Status400BadRequest, typeof(byte[]), OtlpHttp.ProtobufType, OtlpHttp.JsonType)
            .Produces(StatusCodes.Status404NotFound, typeof(byte[]), OtlpHttp.ProtobufType, OtlpHttp.JsonType)
            .Produces(StatusCodes.Status415UnsupportedMediaType, typeof(byte[]), OtlpHttp.ProtobufType, OtlpHttp.JsonType)
            // The body is described here rather than with Accepts(): that would make routing answer other content types
            // with an empty 415, where OTLP expects a Status body.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "An OTLP ExportTraceServiceRequest.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [OtlpHttp.ProtobufType] = new(),
                        [OtlpHttp.JsonType] = new(),
                    },
                };
                return Task.CompletedTask;
            });
        return group;
    }

    private static async Task ExportAsync(
        HttpContext http, IAgentTraceStore store, IAgentStore agents, IOptions<TracesOptions> options)
    {
        var request = http.Request;
        var json = OtlpHttp.WantsJson(request);
        if (!json && request.ContentType?.StartsWith(OtlpHttp.ProtobufType, StringComparison.OrdinalIgnoreCase) != true)
        {
            await OtlpHttp.WriteStatusAsync(http, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type must be {OtlpHttp.ProtobufType} or {OtlpHttp.JsonType}, not '{request.ContentType}'.");
            return;
        }
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await OtlpHttp.WriteStatusAsync(http, StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding '{encoding}' is not supported; use gzip or none.");
            return;
        }
        var tenant = http.Tenant();
        if (request.Headers[AgentHeader].FirstOrDefault() is { Length: > 0 } agentHeader
            && (!long.TryParse(agentHeader, out var agentId) || await agents.GetAsync(tenant.ProjectId, agentId, http.RequestAborted) is null))
        {
            await OtlpHttp.WriteStatusAsync(http, StatusCodes.Status404NotFound, $"Agent '{agentHeader}' does not exist in this project.");
            return;
        }

        var limit = options.Value.MaxBodyBytes;
        byte[]? body;
        try
        {
            body = await ReadAsync(http, limit, gzip);
        }
        catch (InvalidDataException)
        {
            await OtlpHttp.WriteStatusAsync(http, StatusCodes.Status400BadRequest, "The body is not valid gzip.");
            return;
        }
        if (body is null)
        {
            await OtlpHttp.WriteStatusAsync(http, StatusCodes.Status413PayloadTooLarge,
                $"The export is over the limit of {limit} bytes{(gzip ? " after decompression" : "")}; send smaller batches.");
            return;
        }

        OtlpExport export;
        try
        {
            export = json ? OtlpJsonReader.Read(body) : OtlpProtobufReader.Read(body);
        }
        catch (OtlpFormatException e)
        {
            await OtlpHttp.WriteStatusAsync(http, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        var spans = export.Spans.Select(RecognisedSpans.Normalise).ToList();
        var dropped = await store.AppendAsync(tenant.ProjectId, spans, http.RequestAborted);
        var message = dropped > 0
            ? $"{dropped} span(s) dropped: their trace already holds the most spans kept per trace ({options.Value.MaxSpansPerTrace})."
            : export.RejectionReason;
        await OtlpHttp.WriteExportResponseAsync(http, export.RejectedSpans + dropped, message);
    }

    /// <summary>The whole body, gzip undone; null when it (or what it expands to) is over <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAsync(HttpContext http, long limit, bool gzip)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature
            && (feature.MaxRequestBodySize is null || feature.MaxRequestBodySize > limit))
        {
            feature.MaxRequestBodySize = limit;
        }
        try
        {
            await using var unzip = gzip ? new GZipStream(http.Request.Body, CompressionMode.Decompress, leaveOpen: true) : null;
            var source = unzip ?? http.Request.Body;
            using var buffer = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await source.ReadAsync(chunk, http.RequestAborted)) > 0)
                {
                    if (buffer.Length + read > limit)
                    {
                        return null;
                    }
                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            return buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}
