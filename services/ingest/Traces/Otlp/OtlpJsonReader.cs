using System.Globalization;
using System.Text.Json;

namespace Cekura.Ingest.Traces.Otlp;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> in OTLP's JSON encoding: protobuf's JSON mapping with OTLP's
/// exceptions — trace and span ids are hex strings (not base64), enums may be integers, and keys are lowerCamelCase
/// (the original snake_case names are accepted too, as protobuf's mapping requires). 64-bit integers may come as
/// strings or numbers. Unknown fields are ignored.
/// </summary>
public static class OtlpJsonReader
{
    /// <exception cref="OtlpFormatException">The bytes are not JSON of that shape.</exception>
    public static OtlpExport Read(ReadOnlyMemory<byte> body)
    {
        var export = new OtlpExport.Builder();
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
            var root = Object(document.RootElement, "the request");
            foreach (var resourceSpans in Array(Field(root, "resourceSpans"), "resourceSpans"))
            {
                var resource = Field(Object(resourceSpans, "resourceSpans[]"), "resource");
                string? service = null;
                if (resource is { } r)
                {
                    foreach (var attribute in Array(Field(Object(r, "resource"), "attributes"), "resource.attributes"))
                    {
                        if (KeyValue(attribute) is ("service.name", string name))
                        {
                            service = name;
                        }
                    }
                }
                foreach (var scopeSpans in Array(Field(resourceSpans, "scopeSpans"), "scopeSpans"))
                {
                    foreach (var span in Array(Field(Object(scopeSpans, "scopeSpans[]"), "spans"), "spans"))
                    {
                        ReadSpan(Object(span, "spans[]"), service, export);
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP/JSON ExportTraceServiceRequest: {e.Message}", e);
        }
        return export.Build();
    }

    private static void ReadSpan(JsonElement span, string? service, OtlpExport.Builder export)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var attribute in Array(Field(span, "attributes"), "span.attributes"))
        {
            if (KeyValue(attribute) is ({ } key, var value))
            {
                attributes[key] = value;
            }
        }
        long statusCode = 0;
        string? statusMessage = null;
        if (Field(span, "status") is { ValueKind: JsonValueKind.Object } status)
        {
            statusCode = Field(status, "code") is { } code ? StatusCode(code) : 0;
            statusMessage = Field(status, "message")?.GetString();
        }
        OtlpExport.AddSpan(
            export, Id(Field(span, "traceId")), Id(Field(span, "spanId")), Id(Field(span, "parentSpanId")),
            Field(span, "name")?.GetString() ?? "", service,
            Nanos(Field(span, "startTimeUnixNano")), Nanos(Field(span, "endTimeUnixNano")),
            attributes, OtlpExport.StatusName(statusCode), statusMessage);
    }

    private static (string? Key, object? Value) KeyValue(JsonElement element)
    {
        var keyValue = Object(element, "attribute");
        return (Field(keyValue, "key")?.GetString(), Field(keyValue, "value") is { } value ? AnyValue(value) : null);
    }

    private static object? AnyValue(JsonElement element)
    {
        foreach (var property in Object(element, "value").EnumerateObject())
        {
            switch (Normalize(property.Name))
            {
                case "stringvalue":
                    return property.Value.GetString();
                case "boolvalue":
                    return property.Value.GetBoolean();
                case "intvalue":
                    return property.Value.ValueKind == JsonValueKind.String
                        ? long.Parse(property.Value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                        : property.Value.GetInt64();
                case "doublevalue":
                    return property.Value.ValueKind == JsonValueKind.String
                        ? double.Parse(property.Value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
                        : property.Value.GetDouble();
                case "arrayvalue":
                    return Array(Field(property.Value, "values"), "arrayValue.values").Select(AnyValue).ToList();
                case "kvlistvalue":
                    var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var item in Array(Field(property.Value, "values"), "kvlistValue.values"))
                    {
                        if (KeyValue(item) is ({ } key, var value))
                        {
                            values[key] = value;
                        }
                    }
                    return JsonSerializer.Serialize(values);
                case "bytesvalue":
                    return JsonSerializer.Serialize(property.Value.GetString());
            }
        }
        return null;
    }

    private static long StatusCode(JsonElement code) => code.ValueKind == JsonValueKind.String
        ? code.GetString() switch
        {
            "STATUS_CODE_OK" => 1,
            "STATUS_CODE_ERROR" => 2,
            _ => 0,
        }
        : code.GetInt64();

    /// <summary>A hex id as lower case; null when absent; a value that is not hex becomes one the span check refuses.</summary>
    private static string? Id(JsonElement? element)
    {
        var text = element?.GetString();
        return string.IsNullOrEmpty(text) ? null : text.All(char.IsAsciiHexDigit) ? text.ToLowerInvariant() : "";
    }

    private static ulong Nanos(JsonElement? element) => element switch
    {
        null => 0,
        { ValueKind: JsonValueKind.String } s => ulong.Parse(s.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
        { } n => n.GetUInt64(),
    };

    private static JsonElement Object(JsonElement element, string what) => element.ValueKind == JsonValueKind.Object
        ? element
        : throw new JsonException($"{what} must be an object, not {element.ValueKind}.");

    private static IEnumerable<JsonElement> Array(JsonElement? element, string what) => element switch
    {
        null or { ValueKind: JsonValueKind.Null } => [],
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray(),
        { } other => throw new JsonException($"{what} must be an array, not {other.ValueKind}."),
    };

    /// <summary>The field by its lowerCamelCase or snake_case name (compared without underscores, ignoring case).</summary>
    private static JsonElement? Field(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var wanted = Normalize(name);
        foreach (var property in element.EnumerateObject())
        {
            if (Normalize(property.Name) == wanted)
            {
                return property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
            }
        }
        return null;
    }

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
