using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Cekura.Hosting.Storage.Traces;

/// <summary>
/// Span attributes as JSON text that keeps each value's OTLP type, in OTLP's own <c>AnyValue</c> shape:
/// <c>{"key": {"stringValue": "x"}, "n": {"intValue": 5}, "d": {"doubleValue": 3.0}, "b": {"boolValue": true},
/// "a": {"arrayValue": [{"stringValue": "x"}]}}</c>. A bare JSON number could not tell <c>3</c> from <c>3.0</c>.
/// </summary>
public static class AgentSpanAttributesJson
{
    public static string Write(IReadOnlyDictionary<string, object?> attributes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in attributes)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyDictionary<string, object?> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            attributes[property.Name] = ReadValue(property.Value);
        }
        return attributes;
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        writer.WriteStartObject();
        switch (value)
        {
            case null:
                break;
            case string s:
                writer.WriteString("stringValue", s);
                break;
            case bool b:
                writer.WriteBoolean("boolValue", b);
                break;
            case long l:
                writer.WriteNumber("intValue", l);
                break;
            case int i:
                writer.WriteNumber("intValue", i);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumber("doubleValue", d);
                break;
            case double d:
                // JSON has no NaN or infinity; OTLP's JSON mapping spells them as strings.
                writer.WriteString("doubleValue", double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                break;
            case IReadOnlyList<object?> items:
                writer.WriteStartArray("arrayValue");
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                writer.WriteString("stringValue", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
        writer.WriteEndObject();
    }

    private static object? ReadValue(JsonElement element)
    {
        foreach (var typed in element.EnumerateObject())
        {
            return typed.Name switch
            {
                "stringValue" => typed.Value.GetString(),
                "boolValue" => typed.Value.GetBoolean(),
                "intValue" => typed.Value.GetInt64(),
                "doubleValue" when typed.Value.ValueKind == JsonValueKind.String => typed.Value.GetString() switch
                {
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    _ => double.NaN,
                },
                "doubleValue" => typed.Value.GetDouble(),
                "arrayValue" => typed.Value.EnumerateArray().Select(ReadValue).ToList(),
                _ => null,
            };
        }
        return null;
    }
}
