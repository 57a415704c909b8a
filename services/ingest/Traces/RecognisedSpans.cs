using System.Globalization;
using Cekura.Contracts.Traces;

namespace Cekura.Ingest.Traces;

/// <summary>
/// The spans Cekura documents for a voice agent (<see cref="AgentSpanNames"/>) and their attributes' types. A span whose
/// name matches one, ignoring case, gets that name's canonical spelling and its documented attributes converted to
/// their type when the value allows it (a token count sent as <c>"42"</c> or <c>42.0</c> becomes the integer 42); a
/// value that cannot be converted is kept as sent, as is every other span and attribute.
/// </summary>
public static class RecognisedSpans
{
    private enum Kind { Text, Integer, Real }

    private static readonly Dictionary<string, Dictionary<string, Kind>> Attributes = new(StringComparer.OrdinalIgnoreCase)
    {
        [AgentSpanNames.Conversation] = [],
        [AgentSpanNames.SpeechToText] = new()
        {
            ["stt.provider"] = Kind.Text, ["stt.transcript"] = Kind.Text, ["stt.confidence"] = Kind.Real,
        },
        [AgentSpanNames.Llm] = new()
        {
            ["gen_ai.system"] = Kind.Text, ["gen_ai.request.model"] = Kind.Text,
            ["gen_ai.usage.input_tokens"] = Kind.Integer, ["gen_ai.usage.output_tokens"] = Kind.Integer,
        },
        [AgentSpanNames.TextToSpeech] = new() { ["tts.provider"] = Kind.Text, ["tts.characters"] = Kind.Integer },
        [AgentSpanNames.SpeechToSpeech] = [],
        [AgentSpanNames.ToolCall] = new()
        {
            ["function.name"] = Kind.Text, ["function.input"] = Kind.Text, ["function.output"] = Kind.Text,
        },
    };

    /// <summary>The documented name the span is, or null for any other span.</summary>
    public static string? KindOf(string name) =>
        Attributes.ContainsKey(name) ? Attributes.Keys.First(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)) : null;

    public static AgentSpan Normalise(AgentSpan span)
    {
        if (KindOf(span.Name) is not { } kind)
        {
            return span;
        }
        var documented = Attributes[kind];
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in span.Attributes)
        {
            attributes[key] = documented.TryGetValue(key, out var type) ? Convert(value, type) : value;
        }
        return span with { Name = kind, Attributes = attributes };
    }

    private static object? Convert(object? value, Kind type) => (type, value) switch
    {
        (Kind.Text, long or double or bool) => System.Convert.ToString(value, CultureInfo.InvariantCulture),
        (Kind.Integer, double d) when double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9e15 => (long)d,
        (Kind.Integer, string s) when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        (Kind.Real, long l) => (double)l,
        (Kind.Real, string s) when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => value,
    };
}
