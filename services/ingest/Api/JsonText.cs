using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Cekura.Ingest.Api;

/// <summary>
/// Checks a JSON value before anything of the request is kept. System.Text.Json parses strings holding invalid UTF-8
/// bytes or unpaired surrogate escapes (<c>"\ud800"</c>) without complaint and fails only when the text is read or
/// written again; and a value that parsed right at the serializer's depth limit cannot be written back inside the stored
/// call, which wraps it in levels of its own. Either would fail after the recording was stored.
/// </summary>
public static class JsonText
{
    /// <summary>
    /// How deeply a field may nest objects and arrays. The stored call (transcript entry → <c>data</c>) and the completion
    /// webhook's body put up to five levels around a field, and the serializer stops at 64.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>Why <paramref name="value"/> cannot be kept as it is, or null when it can.</summary>
    /// <remarks>
    /// Nearly every value is plain: one pass over its raw bytes shows it, without reading a string. Only a value that
    /// pass cannot clear (invalid bytes, a surrogate escape, deep nesting) is walked to find and name the problem.
    /// </remarks>
    public static string? Problem(JsonElement value) =>
        IsPlain(JsonMarshal.GetRawUtf8Value(value)) ? null : Check(value, "", 0);

    /// <summary>Whether every property name of <paramref name="body"/> (an object) can be read.</summary>
    public static bool NamesReadable(JsonElement body) =>
        IsPlain(JsonMarshal.GetRawUtf8Value(body), int.MaxValue)
        || body.EnumerateObject().All(property => Readable(() => property.Name));

    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> InString = SearchValues.Create("\"\\"u8);

    /// <summary>
    /// Whether raw JSON (as the parser accepted it) is valid UTF-8, has no <c>\uD800</c>–<c>\uDFFF</c> escape (paired
    /// ones are fine, but telling them apart is the slow path's job) and nests at most <paramref name="maxDepth"/>
    /// levels of objects and arrays.
    /// </summary>
    internal static bool IsPlain(ReadOnlySpan<byte> raw, int maxDepth = MaxDepth)
    {
        if (!Utf8.IsValid(raw))
        {
            return false;
        }
        var depth = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var next = raw[i..].IndexOfAny(Structure);
            if (next < 0)
            {
                return true;
            }
            i += next;
            switch (raw[i])
            {
                case (byte)'{' or (byte)'[':
                    if (++depth > maxDepth)
                    {
                        return false;
                    }
                    i++;
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    i++;
                    break;
                default: // the opening quote of a string: skip to its closing quote, looking at each escape
                    i++;
                    while (true)
                    {
                        var special = raw[i..].IndexOfAny(InString);
                        if (special < 0)
                        {
                            return false; // not what the parser accepted; let the walk judge it
                        }
                        i += special;
                        if (raw[i] == '"')
                        {
                            i++;
                            break;
                        }
                        // An escape: \uD8xx–\uDFxx is a surrogate (hex digits 8–F are all at or above '8').
                        if (i + 3 < raw.Length && raw[i + 1] == 'u' && (raw[i + 2] | 0x20) == 'd' && raw[i + 3] >= '8')
                        {
                            return false;
                        }
                        i += 2;
                    }
                    break;
            }
        }
        return true;
    }

    /// <summary>The full walk alone, for tests comparing it with the one-pass check.</summary>
    internal static string? Walk(JsonElement value) => Check(value, "", 0);

    private static string? Check(JsonElement value, string path, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(value.GetString) ? null : NotText(path);
            case JsonValueKind.Object or JsonValueKind.Array when depth >= MaxDepth:
                return $"Nested too deeply: at most {MaxDepth} levels of objects and arrays are accepted.";
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    string? name = null;
                    if (!Readable(() => name = property.Name))
                    {
                        return $"A key{(path.Length == 0 ? "" : $" inside {path}")} is not valid UTF-8 {Reason}.";
                    }
                    if (Check(property.Value, path.Length == 0 ? Shorten(name!) : $"{path}.{Shorten(name!)}", depth + 1) is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Check(item, $"{path}[{index++}]", depth + 1) is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private const string Reason = "(invalid bytes, or an unpaired surrogate escape such as \\ud800)";

    private static string NotText(string path) =>
        path.Length == 0 ? $"Not valid UTF-8 text {Reason}." : $"The text at {path} is not valid UTF-8 {Reason}.";

    // Reading is the only check the parser offers: it throws on text that cannot become a .NET string.
    private static bool Readable(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Shorten(string name) => name.Length > 40 ? name[..37] + "..." : name;
}
