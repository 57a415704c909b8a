using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cekura.Ingest.Webhooks;

/// <summary>Reading provider bodies by path, and building the Send Calls field set from them.</summary>
public static class WebhookJson
{
    /// <summary>The value at <paramref name="path"/>, or null when any step is missing, null or not an object.</summary>
    public static JsonElement? At(JsonElement root, params string[] path)
    {
        var current = root;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current)
                || current.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>The first path that holds a non-empty string (or a number, as text).</summary>
    public static string? Text(JsonElement root, params string[][] paths)
    {
        foreach (var path in paths)
        {
            var value = At(root, path);
            var text = value?.ValueKind switch
            {
                JsonValueKind.String => value.Value.GetString(),
                JsonValueKind.Number => value.Value.GetRawText(),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(text))
            {
                return text;
            }
        }
        return null;
    }

    /// <summary>An epoch time in seconds or milliseconds (told apart by size), or an ISO 8601 string, as ISO 8601.</summary>
    public static string? Time(JsonElement root, bool milliseconds, params string[] path)
    {
        var value = At(root, path);
        if (value is { ValueKind: JsonValueKind.String } s)
        {
            return s.GetString();
        }
        if (value is { ValueKind: JsonValueKind.Number } n && n.TryGetDouble(out var epoch) && double.IsFinite(epoch) && epoch > 0)
        {
            var ms = milliseconds ? epoch : epoch * 1000;
            if (ms < DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                return DateTimeOffset.FromUnixTimeMilliseconds((long)ms).ToString("O", CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>The provider's own metadata object (if any) with our extra keys added beside its keys.</summary>
    public static JsonElement? Metadata(JsonElement? providerMetadata, params (string Key, JsonElement? Value)[] extras)
    {
        var merged = providerMetadata is { ValueKind: JsonValueKind.Object } m
            ? JsonNode.Parse(m.GetRawText())!.AsObject()
            : new JsonObject();
        foreach (var (key, value) in extras)
        {
            if (value is { } v)
            {
                merged[key] = JsonNode.Parse(v.GetRawText());
            }
        }
        return merged.Count == 0 ? null : JsonSerializer.SerializeToElement(merged);
    }

    /// <summary>Collects Send Calls fields, skipping absent values.</summary>
    public sealed class Fields
    {
        private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);

        public Fields Set(string name, string? text)
        {
            if (!string.IsNullOrEmpty(text))
            {
                _fields[name] = JsonSerializer.SerializeToElement(text);
            }
            return this;
        }

        public Fields Set(string name, JsonElement? value)
        {
            if (value is { } v && v.ValueKind != JsonValueKind.Null)
            {
                _fields[name] = v;
            }
            return this;
        }

        public IReadOnlyDictionary<string, JsonElement> Build() => _fields;
    }
}
