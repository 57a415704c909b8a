using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Redaction.Analysis;
using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Transcripts;

/// <summary>Which text of a transcript entry a redaction was made in.</summary>
public enum RedactedField
{
    Content,
    Arguments,
    Result,
}

/// <summary>
/// One replaced span. For <see cref="RedactedField.Content"/>, <c>[Start, Start + Length)</c> are characters of the
/// entry's original content (what the audio step locates in time); for arguments and results they are characters of
/// the analysed JSON string value, or of the raw text when it was not JSON.
/// </summary>
public sealed record TextRedaction(int EntryIndex, RedactedField Field, int Start, int Length, string EntityType);

/// <summary>The redacted transcript (same entries, same times) and what was replaced, in entry order.</summary>
public sealed record TranscriptRedaction(IReadOnlyList<TranscriptEntry> Transcript, IReadOnlyList<TextRedaction> Redactions)
{
    public IEnumerable<TextRedaction> SpeechRedactions => Redactions.Where(r => r.Field == RedactedField.Content);
}

/// <summary>
/// Replaces each PII span of a canonical transcript with a placeholder naming its type (<c>&lt;CREDIT_CARD&gt;</c>).
/// Speech turns are analysed alone and, to catch a number a speaker spreads over two turns ("my card is 4111 1111"
/// … "go on" … "1111 1111"), also joined with the same speaker's next turn; spans found in the joined text are
/// mapped back to each turn. Function-call arguments and results are redacted value by value when they are JSON,
/// so they stay valid JSON. Plain C#; never logs or returns the original text.
/// </summary>
public sealed class TranscriptRedactor(PiiAnalyzer analyzer)
{
    private const string Joiner = " ";

    // The default encoder writes '<' as \u003C, which is valid but makes every placeholder unreadable in the stored
    // payload; it is data for our API, never inlined into HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public TranscriptRedaction Redact(
        IReadOnlyList<TranscriptEntry> transcript, IReadOnlyCollection<string> fields, string? customerNumber)
    {
        if (fields.Count == 0 || transcript.Count == 0)
        {
            return new TranscriptRedaction(transcript, []);
        }
        var context = new RecognizerContext(new HashSet<string>(fields, StringComparer.Ordinal), RegionHints.FromPhoneNumber(customerNumber));
        var speechSpans = SpeechSpans(transcript, context);
        var redactions = new List<TextRedaction>();
        var result = new List<TranscriptEntry>(transcript.Count);
        for (var i = 0; i < transcript.Count; i++)
        {
            var entry = transcript[i];
            var spans = speechSpans.TryGetValue(i, out var found) ? found : Analyze(entry.Content, context);
            redactions.AddRange(spans.Select(s => new TextRedaction(i, RedactedField.Content, s.Start, s.Length, s.EntityType)));
            var redacted = entry with { Content = Replace(entry.Content, spans) };
            if (entry.Data is { } data)
            {
                redacted = redacted with
                {
                    Data = data with
                    {
                        Arguments = RedactPayload(data.Arguments, i, RedactedField.Arguments, context, redactions),
                        Result = RedactPayload(data.Result, i, RedactedField.Result, context, redactions),
                    },
                };
            }
            result.Add(redacted);
        }
        return new TranscriptRedaction(result, redactions);
    }

    /// <summary>The upper-case placeholder of an entity type: <c>credit_card</c> → <c>&lt;CREDIT_CARD&gt;</c>.</summary>
    public static string Placeholder(string entityType) => $"<{entityType.ToUpperInvariant()}>";

    /// <summary>Spans of every speech turn: its own, plus those found across the boundary with its speaker's neighbour turns.</summary>
    private Dictionary<int, IReadOnlyList<PiiSpan>> SpeechSpans(IReadOnlyList<TranscriptEntry> transcript, RecognizerContext context)
    {
        var candidates = new Dictionary<int, List<PiiSpan>>();
        var previousBySpeaker = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < transcript.Count; i++)
        {
            var entry = transcript[i];
            if (!entry.IsSpeech)
            {
                continue;
            }
            var own = new List<PiiSpan>(Analyze(entry.Content, context));
            candidates[i] = own;
            if (previousBySpeaker.TryGetValue(entry.Role, out var previous))
            {
                AddJoinedSpans(transcript[previous].Content, entry.Content, candidates[previous], own, context);
            }
            previousBySpeaker[entry.Role] = i;
        }
        return candidates.ToDictionary(kv => kv.Key, kv => PiiAnalyzer.Resolve(kv.Value));
    }

    /// <summary>
    /// Analyses "<paramref name="first"/> <paramref name="second"/>" and hands each span to the turn(s) it covers. A
    /// span inside one turn is kept too: the other turn's words are context that can raise a recognizer's confidence.
    /// </summary>
    private void AddJoinedSpans(string first, string second, List<PiiSpan> firstSpans, List<PiiSpan> secondSpans, RecognizerContext context)
    {
        if (first.Length == 0 || second.Length == 0)
        {
            return;
        }
        var joined = string.Concat(first, Joiner, second);
        var offset = first.Length + Joiner.Length;
        foreach (var span in analyzer.Analyze(joined, context))
        {
            if (span.Start < first.Length)
            {
                AddTrimmed(firstSpans, first, span, span.Start, Math.Min(span.End, first.Length));
            }
            if (span.End > offset)
            {
                AddTrimmed(secondSpans, second, span, Math.Max(span.Start, offset) - offset, span.End - offset);
            }
        }
    }

    // A span cut at the turn boundary may start or end on the joining space or the turn's own padding.
    private static void AddTrimmed(List<PiiSpan> target, string text, PiiSpan span, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        if (end > start)
        {
            target.Add(span with { Start = start, Length = end - start });
        }
    }

    private IReadOnlyList<PiiSpan> Analyze(string text, RecognizerContext context) =>
        string.IsNullOrEmpty(text) ? [] : analyzer.Analyze(text, context);

    private static string Replace(string text, IReadOnlyList<PiiSpan> spans)
    {
        if (spans.Count == 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var span in spans)
        {
            builder.Append(text, position, span.Start - position).Append(Placeholder(span.EntityType));
            position = span.End;
        }
        return builder.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>
    /// A JSON payload is redacted per string value (and per number a recognizer flags, which becomes the placeholder
    /// string) and written back compactly; property names are kept. Anything that is not JSON is redacted as text.
    /// An untouched payload is returned as it was, byte for byte.
    /// </summary>
    private string? RedactPayload(string? payload, int entryIndex, RedactedField field, RecognizerContext context, List<TextRedaction> redactions)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return payload;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            var spans = Analyze(payload, context);
            redactions.AddRange(spans.Select(s => new TextRedaction(entryIndex, field, s.Start, s.Length, s.EntityType)));
            return Replace(payload, spans);
        }
        using (document)
        {
            var before = redactions.Count;
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                WriteRedacted(writer, document.RootElement, key: null, entryIndex, field, context, redactions);
            }
            return redactions.Count == before ? payload : Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    private void WriteRedacted(Utf8JsonWriter writer, JsonElement element, string? key, int entryIndex, RedactedField field,
        RecognizerContext context, List<TextRedaction> redactions)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteRedacted(writer, property.Value, property.Name, entryIndex, field, context, redactions);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteRedacted(writer, item, key, entryIndex, field, context, redactions);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
            case JsonValueKind.Number:
                var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
                var spans = AnalyzeValue(text, key, context);
                redactions.AddRange(spans.Select(s => new TextRedaction(entryIndex, field, s.Start, s.Length, s.EntityType)));
                if (spans.Count == 0 && element.ValueKind == JsonValueKind.Number)
                {
                    element.WriteTo(writer);
                }
                else
                {
                    writer.WriteStringValue(Replace(text, spans));
                }
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// A value is analysed behind its property name ("card_number: 4111…"), since the name is the context a speaker
    /// would have said aloud; spans are kept only where they cover the value, clipped to it.
    /// </summary>
    private IReadOnlyList<PiiSpan> AnalyzeValue(string value, string? key, RecognizerContext context)
    {
        if (value.Length == 0)
        {
            return [];
        }
        if (string.IsNullOrEmpty(key))
        {
            return analyzer.Analyze(value, context);
        }
        var prefix = key.Replace('_', ' ') + ": ";
        var spans = new List<PiiSpan>();
        foreach (var span in analyzer.Analyze(prefix + value, context))
        {
            var start = Math.Max(span.Start - prefix.Length, 0);
            var end = Math.Min(span.End - prefix.Length, value.Length);
            if (end > start)
            {
                spans.Add(span with { Start = start, Length = end - start });
            }
        }
        return spans;
    }
}
