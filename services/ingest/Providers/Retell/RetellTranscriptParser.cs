using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Retell;

/// <summary>
/// Retell's <c>transcript_with_tool_calls</c> (preferred) or <c>transcript_object</c>: a bare array, the call object,
/// or the webhook body <c>{event, call}</c>. Turns are <c>{role: agent|user|transfer_target, content, words}</c> with
/// word times in seconds of audio; <c>tool_call_invocation</c>/<c>tool_call_result</c> become function entries;
/// <c>node_transition</c>, <c>dtmf</c>, <c>sms</c>, <c>injected</c> and later kinds are skipped.
/// </summary>
public sealed class RetellTranscriptParser : TranscriptParser
{
    public override IReadOnlyList<string> Types { get; } = ["retell"];

    protected override IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript)
    {
        var turns = FindTurns(transcript);
        var toolNames = ToolNamesById(turns);
        var problems = new TranscriptProblems();
        var entries = ReadEntries<TranscriptEntry>(turns, problems, (item, _, output, entryProblems) =>
        {
            if (ParseTurn(item, toolNames, entryProblems) is { } entry)
            {
                output.Add(entry);
            }
        });
        problems.ThrowIfAny();
        // Tool entries are untimed: ordering keeps them right after the timed turn before them.
        return TranscriptOrder.ByStartTime(entries);
    }

    /// <summary>Retell's own wording, which clients already see: "not Retell's: send it with transcript_type …".</summary>
    protected override string LooksLike(string format, string sentAs) =>
        $"this looks like a {format} transcript, not Retell's: send it with transcript_type \"{format}\"";

    /// <summary>The turns array: the root itself, or in the call object or the webhook's <c>call</c>.</summary>
    private static JsonElement FindTurns(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RootProblem(JsonValues.Describe(root));
        }
        var call = root;
        var prefix = "";
        if (JsonValues.TryGetProperty(root, "call", out var wrapped))
        {
            if (wrapped.ValueKind != JsonValueKind.Object)
            {
                throw new TranscriptFormatException($"call must be the Retell call object, got {JsonValues.Describe(wrapped)}");
            }
            call = wrapped;
            prefix = "call.";
        }

        JsonElement? chosen = null;
        foreach (var name in new[] { "transcript_with_tool_calls", "transcript_object" })
        {
            if (!JsonValues.TryGetProperty(call, name, out var candidate))
            {
                continue;
            }
            if (candidate.ValueKind != JsonValueKind.Array)
            {
                throw new TranscriptFormatException($"{prefix}{name} must be an array of turns, got {JsonValues.Describe(candidate)}");
            }
            // An empty transcript_with_tool_calls beside a filled transcript_object: take the one that has the turns.
            if (chosen is null || chosen.Value.GetArrayLength() == 0)
            {
                chosen = candidate;
            }
        }
        if (chosen is { } turns)
        {
            return turns;
        }
        var what = JsonValues.TryGetProperty(call, "transcript", out var text) && text.ValueKind == JsonValueKind.String
            ? $"an object with only the text {prefix}transcript (its turns and times are in {prefix}transcript_object)"
            : $"an object without {prefix}transcript_with_tool_calls or {prefix}transcript_object";
        throw RootProblem(what);
    }

    private static TranscriptFormatException RootProblem(string got) =>
        new("expected Retell's transcript_with_tool_calls or transcript_object array, the call object, "
            + $"or its webhook body {{\"event\", \"call\"}}, got {got}");

    private static TranscriptEntry? ParseTurn(JsonElement item, IReadOnlyDictionary<string, string> toolNames, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"expected an object, got {JsonValues.Describe(item)}");
            return null;
        }
        if (!JsonValues.TryGetProperty(item, "role", out var roleValue))
        {
            problems.Add("role is required");
            return null;
        }
        if (roleValue.ValueKind != JsonValueKind.String)
        {
            problems.Add($"role must be a string, got {JsonValues.Describe(roleValue)}");
            return null;
        }
        return roleValue.GetString()!.ToLowerInvariant() switch
        {
            "agent" => ParseSpeech(item, TranscriptRoles.MainAgent, problems),
            // transfer_target is the party a warm transfer reached: another voice on the caller's side.
            "user" or "transfer_target" => ParseSpeech(item, TranscriptRoles.TestingAgent, problems),
            "tool_call_invocation" => ParseInvocation(item, problems),
            "tool_call_result" => ParseResult(item, toolNames, problems),
            // node_transition, dtmf, sms, injected, and kinds Retell adds later carry no speech.
            _ => null,
        };
    }

    private static TranscriptEntry? ParseSpeech(JsonElement item, string role, List<string> problems)
    {
        var (start, end) = ReadWordTimes(item, problems);
        string? content = null;
        if (!item.TryGetProperty("content", out var value))
        {
            problems.Add("content is required for a speech turn");
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            content = value.GetString()!;
        }
        else if (value.ValueKind != JsonValueKind.Null)
        {
            problems.Add($"content must be a string, got {JsonValues.Describe(value)}");
        }
        // A null content is a turn with nothing said: there is no turn to keep.
        return problems.Count > 0 || content is null
            ? null
            : new TranscriptEntry { Role = role, Content = content, StartTime = start, EndTime = end };
    }

    /// <summary>The turn runs from its first word's start to its last word's end; no words, no times.</summary>
    private static (double? Start, double? End) ReadWordTimes(JsonElement item, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(item, "words", out var words))
        {
            return (null, null);
        }
        if (words.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"words must be an array, got {JsonValues.Describe(words)}");
            return (null, null);
        }
        double? start = null, end = null;
        var i = 0;
        foreach (var word in words.EnumerateArray())
        {
            var path = $"words[{i++}]";
            if (word.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}: expected an object, got {JsonValues.Describe(word)}");
            }
            else
            {
                // Min and max rather than first and last: the same for ordered words, and safe when they are not. A
                // word without an end (all three fields are optional) still shows the turn lasted until it started.
                var wordStart = ReadSeconds(word, "start", path, problems);
                var wordEnd = ReadSeconds(word, "end", path, problems) ?? wordStart;
                start = wordStart is { } s ? Math.Min(start ?? s, s) : start;
                end = wordEnd is { } e ? Math.Max(end ?? e, e) : end;
            }
            if (problems.Count >= TranscriptFormatException.MaxProblems)
            {
                break;
            }
        }
        // An end without a start, or before it, cannot bound the turn.
        return start is { } first ? (first, end >= first ? end : null) : (null, null);
    }

    private static TranscriptEntry? ParseInvocation(JsonElement item, List<string> problems)
    {
        var id = ReadId(item, problems);
        var name = ReadName(item, problems);
        // Undeclared, but some captures put time_sec on invocations; without it the call sits after the turn before it.
        var start = ReadSeconds(item, "time_sec", "", problems);
        if (problems.Count > 0 || id is null || name is null)
        {
            return null;
        }
        return new TranscriptEntry
        {
            Role = TranscriptRoles.FunctionCall,
            Content = "",
            StartTime = start,
            // arguments is a JSON string; an object sent instead is kept as its JSON text.
            Data = new FunctionCallData { Id = id, Name = name, Arguments = JsonValues.ReadText(item, "arguments") ?? "" },
        };
    }

    private static TranscriptEntry? ParseResult(JsonElement item, IReadOnlyDictionary<string, string> toolNames, List<string> problems)
    {
        var id = ReadId(item, problems);
        var start = ReadSeconds(item, "time_sec", "", problems);
        // Retell's result has no name: it is the invocation's, paired by tool_call_id ("" when that is missing).
        var name = Has(item, "name") ? ReadName(item, problems) : id is not null && toolNames.TryGetValue(id, out var n) ? n : "";
        if (problems.Count > 0 || id is null || name is null)
        {
            return null;
        }
        return new TranscriptEntry
        {
            Role = TranscriptRoles.FunctionCallResult,
            Content = "",
            StartTime = start,
            // Retell says `successful`; only an explicit false is an error, a missing flag says nothing.
            Data = new FunctionCallData
            {
                Id = id, Name = name, Result = JsonValues.ReadText(item, "content") ?? "",
                IsError = JsonValues.ReadBool(item, "successful") is { } successful ? !successful : null,
            },
        };
    }

    private static Dictionary<string, string> ToolNamesById(JsonElement turns)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in turns.EnumerateArray())
        {
            if (JsonValues.ReadText(item, "role") is "tool_call_invocation" && IdText(item) is { } id
                && JsonValues.TryGetProperty(item, "name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                names.TryAdd(id, name.GetString()!);
            }
        }
        return names;
    }

    private static string? ReadId(JsonElement item, List<string> problems)
    {
        if (IdText(item) is { } id)
        {
            return id;
        }
        problems.Add(JsonValues.TryGetProperty(item, "tool_call_id", out var value) && value.ValueKind != JsonValueKind.String
            ? $"tool_call_id must be a string, got {JsonValues.Describe(value)}"
            : "tool_call_id is required");
        return null;
    }

    /// <summary>An id given as a non-empty string or a number.</summary>
    private static string? IdText(JsonElement item) =>
        JsonValues.TryGetProperty(item, "tool_call_id", out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            && JsonValues.AsText(value) is { Length: > 0 } text
            ? text
            : null;

    private static string? ReadName(JsonElement item, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(item, "name", out var value))
        {
            problems.Add("name is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"name must be a string, got {JsonValues.Describe(value)}");
            return null;
        }
        if (value.GetString() is not { Length: > 0 } name)
        {
            problems.Add("name is required");
            return null;
        }
        return name;
    }

    /// <summary>An optional, non-negative, finite number of seconds (numeric strings too).</summary>
    private static double? ReadSeconds(JsonElement obj, string name, string prefix, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(obj, name, out var value))
        {
            return null;
        }
        var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
        double? number = null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d))
        {
            number = d;
        }
        else if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && double.IsFinite(parsed))
        {
            number = parsed;
        }
        if (number is null)
        {
            problems.Add($"{path} must be a number of seconds, got {JsonValues.Describe(value)}");
        }
        else if (number < 0)
        {
            problems.Add($"{path} must not be negative");
            number = null;
        }
        return number;
    }

    private static bool Has(JsonElement obj, string name) => JsonValues.TryGetProperty(obj, name, out _);
}
