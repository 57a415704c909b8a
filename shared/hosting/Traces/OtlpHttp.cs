using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Cekura.Hosting.Traces;

/// <summary>
/// OTLP/HTTP's answers (opentelemetry-proto <c>ExportTraceServiceResponse</c> and, for a failure, <c>google.rpc.Status</c>),
/// written in the request's encoding as the OTLP specification asks: protobuf for <c>application/x-protobuf</c>, JSON
/// for <c>application/json</c>. Shared by the gateway (key, rate and size refusals) and ingest (the receiver).
/// </summary>
public static class OtlpHttp
{
    /// <summary>The receiver's path; the gateway authenticates and forwards it like the API's own paths.</summary>
    public const string TracesPath = "/v1/traces";

    public const string ProtobufType = "application/x-protobuf";
    public const string JsonType = "application/json";

    public static bool IsTraces(PathString path) => path.Equals(TracesPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a JSON request; any other request is answered in protobuf, OTLP's default encoding.</summary>
    public static bool WantsJson(HttpRequest request) =>
        request.ContentType?.StartsWith(JsonType, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary><c>ExportTraceServiceResponse</c>; <c>partial_success</c> only when spans were refused.</summary>
    public static Task WriteExportResponseAsync(HttpContext context, long rejectedSpans, string? errorMessage)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (WantsJson(context.Request))
        {
            var json = rejectedSpans == 0 && string.IsNullOrEmpty(errorMessage)
                ? "{}"
                : JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["partialSuccess"] = new Dictionary<string, object?>
                    {
                        // protobuf's JSON mapping writes int64 as a string.
                        ["rejectedSpans"] = rejectedSpans.ToString(CultureInfo.InvariantCulture),
                        ["errorMessage"] = errorMessage ?? "",
                    },
                });
            return WriteAsync(context, JsonType, System.Text.Encoding.UTF8.GetBytes(json));
        }
        var body = new MemoryStream();
        if (rejectedSpans != 0 || !string.IsNullOrEmpty(errorMessage))
        {
            var partial = new MemoryStream();
            var inner = new CodedOutputStream(partial, leaveOpen: true);
            if (rejectedSpans != 0)
            {
                inner.WriteTag(1, WireFormat.WireType.Varint);
                inner.WriteInt64(rejectedSpans);
            }
            if (!string.IsNullOrEmpty(errorMessage))
            {
                inner.WriteTag(2, WireFormat.WireType.LengthDelimited);
                inner.WriteString(errorMessage);
            }
            inner.Flush();
            var output = new CodedOutputStream(body, leaveOpen: true);
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(partial.GetBuffer(), 0, (int)partial.Length));
            output.Flush();
        }
        return WriteAsync(context, ProtobufType, body.ToArray());
    }

    /// <summary>A refusal: the HTTP status and a <c>google.rpc.Status</c> body carrying the matching gRPC code.</summary>
    public static Task WriteStatusAsync(HttpContext context, int httpStatus, string message)
    {
        context.Response.StatusCode = httpStatus;
        var code = GrpcCode(httpStatus);
        if (WantsJson(context.Request))
        {
            return WriteAsync(context, JsonType, JsonSerializer.SerializeToUtf8Bytes(new { code, message }));
        }
        var body = new MemoryStream();
        var output = new CodedOutputStream(body, leaveOpen: true);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32(code);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(message);
        output.Flush();
        return WriteAsync(context, ProtobufType, body.ToArray());
    }

    // The gRPC codes OTLP pairs with these HTTP statuses (INVALID_ARGUMENT, UNAUTHENTICATED, NOT_FOUND,
    // RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL).
    private static int GrpcCode(int httpStatus) => httpStatus switch
    {
        400 or 413 or 415 => 3,
        401 => 16,
        404 => 5,
        429 => 8,
        503 => 14,
        _ => 13,
    };

    private static async Task WriteAsync(HttpContext context, string contentType, byte[] body)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
