using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.LiveKit;

/// <summary>
/// LiveKit Agents (<c>livekit</c>): <c>session.history.to_dict()</c> = <c>{"items": [...]}</c>, a
/// <c>SessionReport.to_dict()</c> with <c>chat_history.items</c>, or Cekura's documented list form
/// <c>[{role, content, timestamp}]</c>. Items are discriminated by <c>type</c> (missing means <c>message</c>):
/// <c>message</c> turns of role <c>assistant</c>/<c>user</c> (<c>system</c>/<c>developer</c> dropped),
/// <c>function_call</c> and <c>function_call_output</c> paired by <c>call_id</c>; every other type
/// (<c>agent_handoff</c>, <c>agent_config_update</c>, later additions) is skipped. Messages of role <c>tool_call</c> /
/// <c>tool_call_result</c> with <c>data</c> (Cekura's documented tool entries) are function entries; any other role
/// is skipped, never rejected.
/// </summary>
/// <remarks>
/// LiveKit's own times are epoch seconds: a message starts at <c>metrics.started_speaking_at</c> (else
/// <c>created_at</c>) and ends at <c>metrics.stopped_speaking_at</c>; function items have <c>created_at</c> only. The
/// zero point is the report's <c>audio_recording_started_at</c>, else the earliest time in the payload; a time before
/// the recording started is clamped to 0. Times are rounded to microseconds, which removes the noise of subtracting two
/// epoch floats. The list form's <c>timestamp</c> is already seconds from the call start and gives the start only:
/// such a turn ends at the next turn's start, capped by the speaking-rate estimate, and the last one is left for the
/// recording to close. One transcript uses one of the two clocks.
/// </remarks>
public sealed class LiveKitTranscriptParser : TranscriptParser
{
    public const string TranscriptType = "livekit";

    private const string Expected =
        "expected {\"items\": [...]} (session.history.to_dict()), a session report with chat_history.items, or a list of {role, content} messages";

    public override IReadOnlyList<string> Types { get; } = [TranscriptType];

    /// <summary>
    /// Seconds from a call's start stay far below this (it is 115 days); epoch seconds of any real call are far above it
    /// (it is April 1970). A <c>timestamp</c> above it is an epoch time sent where the list form wants seconds from the start.
    /// </summary>
    private const double SecondsFromStartCeiling = 1e7;

    /// <summary>
    /// One kept item before the zero point is known: times in epoch seconds, or, when <paramref name="FromCallStart"/>,
    /// already in seconds from the call start (the list form's <c>timestamp</c>).
    /// </summary>
    private sealed record Pending(
        int Index, string Role, string Content, double? Start, double? End, FunctionCallData? Data, bool FromCallStart = false);

    /// <summary>The earliest epoch time among the items read, kept or dropped: the zero point when the report has none.</summary>
    private sealed class Earliest
    {
        public double? Value { get; private set; }

        public void See(params double?[] times)
        {
            foreach (var time in times)
            {
                if (time is { } t && (Value is null || t < Value))
                {
                    Value = t;
                }
            }
        }
    }

    protected override IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript)
    {
        var (items, recordingStart) = FindItems(transcript);
        var callNames = CallNamesById(items);
        var earliest = new Earliest();
        var problems = new TranscriptProblems();
        var pending = ReadEntries<Pending>(items, problems, (item, index, output, itemProblems) =>
        {
            if (ParseItem(item, index, callNames, itemProblems, earliest) is { } entry)
            {
                output.Add(entry);
            }
        });
        var fromCallStart = problems.Count == 0 && CheckOneClock(pending, problems);
        problems.ThrowIfAny();

        var zero = recordingStart ?? earliest.Value ?? 0;
        var entries = pending.Select(p => p.FromCallStart
            ? new TranscriptEntry { Role = p.Role, Content = p.Content, StartTime = p.Start, EndTime = p.End, Data = p.Data }
            : new TranscriptEntry
            {
                Role = p.Role, Content = p.Content, StartTime = Relative(p.Start, zero), EndTime = Relative(p.End, zero), Data = p.Data,
            }).ToList();
        var ordered = TranscriptOrder.ByStartTime(entries);
        return fromCallStart ? StartOnlyTurns.CloseByNextStart(ordered, StartOnlyTurns.EstimatedEnd, estimateLast: false) : ordered;
    }

    /// <summary>
    /// Whether the transcript is timed by the list form's seconds from the call start. Epoch times have another zero
    /// point, so one transcript uses one of the two; when both appear, the entries of the less used clock (the
    /// <c>timestamp</c> ones on a tie) are named.
    /// </summary>
    private static bool CheckOneClock(List<Pending> pending, TranscriptProblems problems)
    {
        int fromStart = 0, epoch = 0;
        foreach (var p in pending)
        {
            if (p.FromCallStart)
            {
                fromStart++;
            }
            else if ((p.Start ?? p.End) is not null)
            {
                epoch++;
            }
        }
        if (fromStart > 0 && epoch > 0)
        {
            var nameFromStart = fromStart <= epoch;
            foreach (var p in pending.Where(p => p.FromCallStart == nameFromStart && (p.Start ?? p.End) is not null).Take(TranscriptFormatException.MaxProblems))
            {
                problems.Add(nameFromStart
                    ? $"entry {p.Index}: timestamp is seconds from the call start but other entries have epoch times (created_at, metrics); use one or the other"
                    : $"entry {p.Index}: created_at/metrics are epoch times but other entries use timestamp seconds from the call start; use one or the other");
            }
        }
        return fromStart > 0;
    }

    private static double? Relative(double? epochSeconds, double zero) =>
        epochSeconds is { } t ? Math.Round(Math.Max(0, t - zero), 6) : null;

    private static (JsonElement Items, double? RecordingStart) FindItems(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return (root, null);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TranscriptFormatException($"{Expected}, got {JsonValues.Describe(root)}");
        }
        if (root.TryGetProperty("items", out var items))
        {
            if (items.ValueKind != JsonValueKind.Array)
            {
                throw new TranscriptFormatException($"items must be an array of chat items, got {JsonValues.Describe(items)}");
            }
        }
        else if (!root.TryGetProperty("chat_history", out var history))
        {
            throw new TranscriptFormatException($"{Expected}, got an object without items or chat_history");
        }
        else if (history.ValueKind != JsonValueKind.Object || !history.TryGetProperty("items", out items))
        {
            throw new TranscriptFormatException($"chat_history must be an object with items, got {JsonValues.Describe(history)}");
        }
        else if (items.ValueKind != JsonValueKind.Array)
        {
            throw new TranscriptFormatException($"chat_history.items must be an array of chat items, got {JsonValues.Describe(items)}");
        }
        // A SessionReport has audio_recording_started_at; a poster may add it beside a bare history too.
        var problems = new List<string>();
        var recordingStart = ReadEpoch(root, "audio_recording_started_at", "", problems);
        return problems.Count > 0 ? throw new TranscriptFormatException(problems) : (items, recordingStart);
    }

    /// <summary>Function names by call id, so an output with the default empty name is named after its call.</summary>
    private static Dictionary<string, string> CallNamesById(JsonElement items)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object
                && JsonValues.ReadText(item, "type") == "function_call"
                && JsonValues.ReadId(item, "call_id") is { Length: > 0 } id
                && JsonValues.ReadId(item, "name") is { Length: > 0 } name)
            {
                names.TryAdd(id, name);
            }
        }
        return names;
    }

    private static Pending? ParseItem(JsonElement item, int index, Dictionary<string, string> callNames, List<string> problems, Earliest earliest)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"expected an object, got {JsonValues.Describe(item)}");
            return null;
        }
        var type = "message";
        if (JsonValues.TryGetProperty(item, "type", out var typeValue))
        {
            if (typeValue.ValueKind != JsonValueKind.String)
            {
                problems.Add($"type must be a string, got {JsonValues.Describe(typeValue)}");
                return null;
            }
            type = typeValue.GetString()!;
        }
        return type switch
        {
            "message" => ParseMessage(item, index, problems, earliest),
            "function_call" => ParseFunctionCall(item, index, problems, earliest),
            "function_call_output" => ParseFunctionOutput(item, index, callNames, problems, earliest),
            _ => null, // agent_handoff, agent_config_update and kinds added later carry no speech.
        };
    }

    private static Pending? ParseMessage(JsonElement item, int index, List<string> problems, Earliest earliest)
    {
        var roleName = ReadRoleName(item, problems);
        switch (roleName)
        {
            case FunctionEntries.ToolCall or FunctionEntries.ToolCallResult:
                return ParseDocumentedToolEntry(item, index, roleName, problems, earliest);
            case not (null or "assistant" or "user" or "system" or "developer"):
                // A role we do not use (one LiveKit adds later, another format's) carries nothing for us: skip it unread.
                return null;
        }
        var role = roleName switch { "assistant" => TranscriptRoles.MainAgent, "user" => TranscriptRoles.TestingAgent, _ => null };
        var content = ReadContent(item, problems);

        double? started = null, stopped = null;
        if (JsonValues.TryGetProperty(item, "metrics", out var metrics))
        {
            if (metrics.ValueKind == JsonValueKind.Object)
            {
                started = ReadEpoch(metrics, "started_speaking_at", "metrics.", problems);
                stopped = ReadEpoch(metrics, "stopped_speaking_at", "metrics.", problems);
            }
            else
            {
                problems.Add($"metrics must be an object, got {JsonValues.Describe(metrics)}");
            }
        }
        var created = ReadEpoch(item, "created_at", "", problems);
        if (started is { } a && stopped is { } b && b < a)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"metrics.stopped_speaking_at {b} is before metrics.started_speaking_at {a}"));
        }
        var fromCallStart = ReadSecondsFromCallStart(item, problems);
        if (problems.Count > 0)
        {
            return null;
        }
        var keep = role is not null && !string.IsNullOrWhiteSpace(content);
        if (fromCallStart is { } offset)
        {
            // The list form's own clock; the epoch times beside it, if any, are not this transcript's.
            return keep ? new Pending(index, role!, content, offset, null, null, FromCallStart: true) : null;
        }

        earliest.See(started, stopped, created);
        var start = started ?? created;
        // A user message is created after its speech is transcribed: without started_speaking_at, an end before
        // created_at says nothing about the turn's length.
        var end = start is { } s && stopped is { } e && e >= s ? stopped : null;
        return keep ? new Pending(index, role!, content, start, end, null) : null;
    }

    /// <summary>Cekura's documented <c>{role: "tool_call" | "tool_call_result", data}</c>, at its <c>timestamp</c> or <c>created_at</c>.</summary>
    private static Pending? ParseDocumentedToolEntry(JsonElement item, int index, string role, List<string> problems, Earliest earliest)
    {
        var data = FunctionEntries.ReadData(item, role, isResult: role == FunctionEntries.ToolCallResult, problems);
        var fromCallStart = ReadSecondsFromCallStart(item, problems);
        var created = ReadEpoch(item, "created_at", "", problems);
        if (problems.Count > 0 || data is null)
        {
            return null;
        }
        var canonical = FunctionEntries.CanonicalToolRole(role)!;
        if (fromCallStart is { } offset)
        {
            return new Pending(index, canonical, "", offset, null, data, FromCallStart: true);
        }
        earliest.See(created);
        return new Pending(index, canonical, "", created, null, data);
    }

    /// <summary>The list form's <c>timestamp</c>: seconds from the call start; null when absent.</summary>
    private static double? ReadSecondsFromCallStart(JsonElement item, List<string> problems)
    {
        JsonValues.TryReadNumber(item, "timestamp", out var value, out var problem);
        if (problem is not null)
        {
            problems.Add(problem);
            return null;
        }
        if (value < 0)
        {
            problems.Add("timestamp must not be negative");
            return null;
        }
        if (value >= SecondsFromStartCeiling)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"timestamp {value} is not seconds from the call start (it looks like an epoch time): send epoch seconds as created_at"));
            return null;
        }
        return value;
    }

    private static Pending? ParseFunctionCall(JsonElement item, int index, List<string> problems, Earliest earliest)
    {
        var id = ReadRequiredId(item, "call_id", problems);
        var name = ReadRequiredId(item, "name", problems);
        var created = ReadEpoch(item, "created_at", "", problems);
        if (id is null || name is null || problems.Count > 0)
        {
            return null;
        }
        earliest.See(created);
        var data = new FunctionCallData { Id = id, Name = name, Arguments = JsonValues.ReadText(item, "arguments") ?? "" };
        return new Pending(index, TranscriptRoles.FunctionCall, "", created, null, data);
    }

    private static Pending? ParseFunctionOutput(JsonElement item, int index, Dictionary<string, string> callNames, List<string> problems, Earliest earliest)
    {
        var id = ReadRequiredId(item, "call_id", problems);
        var name = ReadOptionalId(item, "name", problems);
        var created = ReadEpoch(item, "created_at", "", problems);
        if (id is null || problems.Count > 0)
        {
            return null;
        }
        earliest.See(created);
        // LiveKit's own default for `name` is "": take the call's name, else keep it empty.
        if (string.IsNullOrEmpty(name))
        {
            name = callNames.GetValueOrDefault(id, "");
        }
        var data = new FunctionCallData
        {
            Id = id, Name = name, Result = JsonValues.ReadText(item, "output") ?? "", IsError = JsonValues.ReadBool(item, "is_error"),
        };
        return new Pending(index, TranscriptRoles.FunctionCallResult, "", created, null, data);
    }

    /// <summary>The role as written; null, with the problem, when it is missing or not a string.</summary>
    private static string? ReadRoleName(JsonElement item, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(item, "role", out var value))
        {
            problems.Add("role is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"role must be a string, got {JsonValues.Describe(value)}");
            return null;
        }
        return value.GetString()!;
    }

    /// <summary>
    /// The text parts of <c>content</c> joined with a space. Image/audio parts (objects) and null parts are skipped;
    /// a plain string is taken as one part; missing or null content is empty.
    /// </summary>
    private static string ReadContent(JsonElement item, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(item, "content", out var content))
        {
            return "";
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!.Trim();
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"content must be a list of strings, got {JsonValues.Describe(content)}");
            return "";
        }
        var parts = new List<string>();
        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            switch (part.ValueKind)
            {
                case JsonValueKind.String when !string.IsNullOrWhiteSpace(part.GetString()):
                    parts.Add(part.GetString()!.Trim());
                    break;
                case JsonValueKind.String or JsonValueKind.Object or JsonValueKind.Null:
                    break;
                default:
                    problems.Add($"content[{i}] must be a string, got {JsonValues.Describe(part)}");
                    break;
            }
            i++;
        }
        return string.Join(' ', parts);
    }

    /// <summary>An epoch time in seconds (a number or numeric string); null when absent.</summary>
    private static double? ReadEpoch(JsonElement obj, string name, string path, List<string> problems)
    {
        JsonValues.TryReadNumber(obj, name, out var value, out var problem);
        if (problem is not null)
        {
            problems.Add(path + problem);
            return null;
        }
        if (value < 0)
        {
            problems.Add($"{path}{name} must not be negative");
            return null;
        }
        return value;
    }

    private static string? ReadRequiredId(JsonElement obj, string name, List<string> problems)
    {
        var known = problems.Count;
        var value = ReadOptionalId(obj, name, problems);
        if (problems.Count > known)
        {
            return null;
        }
        if (string.IsNullOrEmpty(value))
        {
            problems.Add(value is null ? $"{name} is required" : $"{name} must not be empty");
            return null;
        }
        return value;
    }

    /// <summary>A string, or a number written as text; null (with a problem) for other kinds, null when absent.</summary>
    private static string? ReadOptionalId(JsonElement obj, string name, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(obj, name, out var value))
        {
            return null;
        }
        var text = JsonValues.ReadId(obj, name);
        if (text is null)
        {
            problems.Add($"{name} must be a string, got {JsonValues.Describe(value)}");
        }
        return text;
    }
}
