using System.Globalization;
using System.Text.Json;

namespace Cekura.Ingest.Transcripts;

/// <summary>Lenient readers for what providers vary: numbers sent as strings, nulls, ids as numbers.</summary>
public static class JsonValues
{
    public static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>A finite number, or a string holding one; null when absent or null.</summary>
    public static bool TryReadNumber(JsonElement obj, string name, out double? number, out string? problem)
    {
        number = null;
        problem = null;
        if (!TryGetProperty(obj, name, out var value))
        {
            return true;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d))
        {
            number = d;
            return true;
        }
        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && double.IsFinite(parsed))
        {
            number = parsed;
            return true;
        }
        problem = $"{name} must be a number of seconds, got {Describe(value)}";
        return false;
    }

    /// <summary>
    /// A JSON boolean; null when absent or not a boolean. Error flags are read leniently: a malformed flag loses the
    /// flag, not the whole transcript.
    /// </summary>
    public static bool? ReadBool(JsonElement obj, string name) =>
        TryGetProperty(obj, name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>A string, or a number/bool written as text (ids are often numbers); null when absent.</summary>
    public static string? ReadText(JsonElement obj, string name) =>
        TryGetProperty(obj, name, out var value) ? AsText(value) : null;

    /// <summary>An id given as a string or a number, as text; null when absent or of another kind.</summary>
    public static string? ReadId(JsonElement obj, string name) =>
        TryGetProperty(obj, name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? AsText(value) : null;

    /// <summary>
    /// <c>start_time</c>/<c>end_time</c> in seconds from the call start (Cekura's own timed form), each optional; a
    /// problem for a value that is not a number, a negative time or an end before the start.
    /// </summary>
    public static (double? Start, double? End) ReadStartEnd(JsonElement item, List<string> problems)
    {
        TryReadNumber(item, "start_time", out var start, out var startProblem);
        TryReadNumber(item, "end_time", out var end, out var endProblem);
        if (startProblem is not null)
        {
            problems.Add(startProblem);
        }
        if (endProblem is not null)
        {
            problems.Add(endProblem);
        }
        if (start < 0 || end < 0)
        {
            problems.Add("times must not be negative");
        }
        else if (start is { } s && end is { } e && e < s)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"end_time {e} is before start_time {s}"));
        }
        return (start, end);
    }

    public static string AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!, 40)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
