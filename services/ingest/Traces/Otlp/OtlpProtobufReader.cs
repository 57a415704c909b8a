using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;

namespace Cekura.Ingest.Traces.Otlp;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> in the protobuf wire format with Google.Protobuf's
/// <see cref="CodedInputStream"/>, field by field as opentelemetry-proto defines them
/// (<c>opentelemetry/proto/collector/trace/v1/trace_service.proto</c>, <c>trace/v1/trace.proto</c>,
/// <c>common/v1/common.proto</c>, <c>resource/v1/resource.proto</c>). Only what a span keeps is read; events, links,
/// trace state and every unknown field are skipped, so a newer exporter's additions are harmless. Each tag is matched
/// with its wire type, so a field sent with another type is skipped rather than misread.
/// </summary>
public static class OtlpProtobufReader
{
    private static uint Tag(int field, WireFormat.WireType type) => WireFormat.MakeTag(field, type);

    private static readonly uint Len1 = Tag(1, WireFormat.WireType.LengthDelimited);
    private static readonly uint Len2 = Tag(2, WireFormat.WireType.LengthDelimited);
    private static readonly uint Len4 = Tag(4, WireFormat.WireType.LengthDelimited);
    private static readonly uint Len5 = Tag(5, WireFormat.WireType.LengthDelimited);
    private static readonly uint Len6 = Tag(6, WireFormat.WireType.LengthDelimited);
    private static readonly uint Len7 = Tag(7, WireFormat.WireType.LengthDelimited);
    private static readonly uint Len9 = Tag(9, WireFormat.WireType.LengthDelimited);
    private static readonly uint Len15 = Tag(15, WireFormat.WireType.LengthDelimited);
    private static readonly uint Varint2 = Tag(2, WireFormat.WireType.Varint);
    private static readonly uint Varint3 = Tag(3, WireFormat.WireType.Varint);
    private static readonly uint Fixed64_4 = Tag(4, WireFormat.WireType.Fixed64);
    private static readonly uint Fixed64_7 = Tag(7, WireFormat.WireType.Fixed64);
    private static readonly uint Fixed64_8 = Tag(8, WireFormat.WireType.Fixed64);

    /// <exception cref="OtlpFormatException">The bytes are not a valid message.</exception>
    public static OtlpExport Read(ReadOnlyMemory<byte> body)
    {
        var export = new OtlpExport.Builder();
        try
        {
            var input = Open(body);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (tag == Len1)
                {
                    ReadResourceSpans(Nested(input), export);
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OtlpFormatException($"The body is not a valid protobuf ExportTraceServiceRequest: {e.Message}", e);
        }
        return export.Build();
    }

    // ResourceSpans: 1 resource, 2 scope_spans. The resource comes first in practice, but the wire format does not
    // promise field order, so the spans are read after the whole message.
    private static void ReadResourceSpans(CodedInputStream input, OtlpExport.Builder export)
    {
        string? service = null;
        var scopes = new List<ByteString>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len1)
            {
                service = ReadServiceName(Nested(input)) ?? service;
            }
            else if (tag == Len2)
            {
                scopes.Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }
        foreach (var scope in scopes)
        {
            ReadScopeSpans(Open(scope.Memory), service, export);
        }
    }

    // Resource: 1 attributes (KeyValue).
    private static string? ReadServiceName(CodedInputStream input)
    {
        string? service = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len1 && ReadKeyValue(Nested(input)) is ("service.name", string name))
            {
                service = name;
            }
            else if (tag != Len1)
            {
                input.SkipLastField();
            }
        }
        return service;
    }

    // ScopeSpans: 1 scope, 2 spans.
    private static void ReadScopeSpans(CodedInputStream input, string? service, OtlpExport.Builder export)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len2)
            {
                ReadSpan(Nested(input), service, export);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 7 start_time_unix_nano, 8 end_time_unix_nano,
    // 9 attributes, 15 status.
    private static void ReadSpan(CodedInputStream input, string? service, OtlpExport.Builder export)
    {
        string? traceId = null, spanId = null, parentSpanId = null, statusMessage = null;
        var name = "";
        ulong start = 0, end = 0;
        long statusCode = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len1) traceId = Hex(input.ReadBytes());
            else if (tag == Len2) spanId = Hex(input.ReadBytes());
            else if (tag == Len4) parentSpanId = Hex(input.ReadBytes());
            else if (tag == Len5) name = input.ReadString();
            else if (tag == Fixed64_7) start = input.ReadFixed64();
            else if (tag == Fixed64_8) end = input.ReadFixed64();
            else if (tag == Len9)
            {
                if (ReadKeyValue(Nested(input)) is ({ } key, var value))
                {
                    attributes[key] = value;
                }
            }
            else if (tag == Len15) (statusCode, statusMessage) = ReadStatus(Nested(input));
            else input.SkipLastField();
        }
        OtlpExport.AddSpan(export, traceId, spanId, parentSpanId, name, service, start, end, attributes,
            OtlpExport.StatusName(statusCode), statusMessage);
    }

    // Status: 2 message, 3 code.
    private static (long Code, string? Message) ReadStatus(CodedInputStream input)
    {
        long code = 0;
        string? message = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len2) message = input.ReadString();
            else if (tag == Varint3) code = input.ReadEnum();
            else input.SkipLastField();
        }
        return (code, message);
    }

    // KeyValue: 1 key, 2 value.
    private static (string? Key, object? Value) ReadKeyValue(CodedInputStream input)
    {
        string? key = null;
        object? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len1) key = input.ReadString();
            else if (tag == Len2) value = ReadAnyValue(Nested(input));
            else input.SkipLastField();
        }
        return (key, value);
    }

    // AnyValue: oneof 1 string, 2 bool, 3 int64, 4 double, 5 array, 6 kvlist, 7 bytes. The last one sent wins.
    private static object? ReadAnyValue(CodedInputStream input)
    {
        object? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len1) value = input.ReadString();
            else if (tag == Varint2) value = input.ReadBool();
            else if (tag == Varint3) value = input.ReadInt64();
            else if (tag == Fixed64_4) value = input.ReadDouble();
            else if (tag == Len5) value = ReadArray(Nested(input));
            else if (tag == Len6) value = JsonSerializer.Serialize(ReadKeyValueList(Nested(input)));
            else if (tag == Len7) value = JsonSerializer.Serialize(input.ReadBytes().ToBase64());
            else input.SkipLastField();
        }
        return value;
    }

    // ArrayValue: 1 values.
    private static List<object?> ReadArray(CodedInputStream input)
    {
        var values = new List<object?>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len1) values.Add(ReadAnyValue(Nested(input)));
            else input.SkipLastField();
        }
        return values;
    }

    // KeyValueList: 1 values (KeyValue); kept as the JSON text of an object.
    private static Dictionary<string, object?> ReadKeyValueList(CodedInputStream input)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Len1 && ReadKeyValue(Nested(input)) is ({ } key, var value))
            {
                values[key] = value;
            }
            else if (tag != Len1)
            {
                input.SkipLastField();
            }
        }
        return values;
    }

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    /// <summary>The length-delimited field just tagged, as a stream of its own.</summary>
    private static CodedInputStream Nested(CodedInputStream input) => Open(input.ReadBytes().Memory);

    private static CodedInputStream Open(ReadOnlyMemory<byte> bytes)
    {
        if (MemoryMarshal.TryGetArray(bytes, out var segment))
        {
            return new CodedInputStream(segment.Array!, segment.Offset, segment.Count);
        }
        return new CodedInputStream(bytes.ToArray());
    }
}
