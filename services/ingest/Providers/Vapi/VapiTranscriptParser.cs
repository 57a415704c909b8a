using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Vapi;

/// <summary>
/// Vapi's <c>artifact.messages</c>: a bare array, the end-of-call report, or its whole webhook body
/// <c>{message: {...}}</c>. Items are <c>{role, message, time, endTime?, secondsFromStart, duration?}</c>;
/// <c>bot</c>/<c>assistant</c>/<c>agent</c> speak for the agent, <c>user</c> for the caller, <c>system</c> is dropped,
/// <c>tool_calls</c>/<c>tool_call_result</c> become function entries paired by id. The seed's short form
/// <c>{role, message, time}</c> gives <c>time</c> in seconds from the start instead of epoch milliseconds.
/// </summary>
public sealed class VapiTranscriptParser : TranscriptParser
{
    // Epoch milliseconds of any real call are above 1e11 (1973); seconds from the start of a call are far below 1e7
    // (115 days). A value in between is neither, so it is rejected rather than guessed.
    private const double EpochMillisecondsFloor = 1e11;
    private const double SecondsFromStartCeiling = 1e7;

    // Vapi documents duration as seconds but sends milliseconds; a turn length outside [0, 1 h] is a unit mix-up, not a
    // turn, and is ignored rather than stretched over the call.
    private const double MaxTurnSeconds = 3600;

    // The short form gives only starts: a turn ends at the next turn's start, but no later than a slow speaking rate
    // (120 words a minute, at least a second) allows.
    private const double SecondsPerWord = 0.5;
    private const double MinEstimatedTurnSeconds = 1;

    public override IReadOnlyList<string> Types { get; } = ["vapi"];

    protected override IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript)
    {
        var messages = FindMessages(transcript);
        var context = new Context(ToolNamesById(messages), ConversationStartMilliseconds(messages));
        var problems = new TranscriptProblems();
        var parsed = ReadEntries<Parsed>(messages, problems, (item, _, output, entryProblems) => ParseMessage(item, context, output, entryProblems));
        problems.ThrowIfAny();
        return TranscriptOrder.ByStartTime(WithEstimatedEnds(parsed));
    }

    /// <summary>Vapi's own wording, which clients already see: "not Vapi's: send it with transcript_type …".</summary>
    protected override string LooksLike(string format, string sentAs) =>
        $"this looks like a {format} transcript, not Vapi's: send it with transcript_type \"{format}\"";

    /// <summary>The messages array: the root itself, or found in a report / webhook body.</summary>
    private static JsonElement FindMessages(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RootProblem(JsonValues.Describe(root));
        }

        var report = root;
        var prefix = "";
        if (JsonValues.TryGetProperty(root, "message", out var envelope) && envelope.ValueKind == JsonValueKind.Object)
        {
            report = envelope;
            prefix = "message.";
        }
        // artifact.messages is current; top-level messages is the legacy place; the call object repeats both.
        string[][] paths = [["artifact", "messages"], ["messages"], ["call", "artifact", "messages"], ["call", "messages"]];
        JsonElement? firstFound = null;
        foreach (var path in paths)
        {
            if (!TryGetPath(report, path, out var candidate))
            {
                continue;
            }
            if (candidate.ValueKind != JsonValueKind.Array)
            {
                throw new TranscriptFormatException(
                    $"{prefix}{string.Join('.', path)} must be an array of messages, got {JsonValues.Describe(candidate)}");
            }
            if (candidate.GetArrayLength() > 0)
            {
                return candidate;
            }
            firstFound ??= candidate;
        }
        if (firstFound is { } empty)
        {
            return empty;
        }
        var type = JsonValues.ReadText(report, "type");
        var what = type is { Length: > 0 } && type != "end-of-call-report"
            ? $"a '{Truncate(type)}' message (only an end-of-call-report carries the transcript)"
            : $"an object without {prefix}artifact.messages or {prefix}messages";
        throw RootProblem(what);
    }

    private static TranscriptFormatException RootProblem(string got) =>
        new("expected Vapi's messages array, an end-of-call report with artifact.messages, "
            + $"or its webhook body {{\"message\": {{...}}}}, got {got}");

    private static void ParseMessage(JsonElement item, Context context, List<Parsed> output, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"expected an object, got {JsonValues.Describe(item)}");
            return;
        }
        if (!JsonValues.TryGetProperty(item, "role", out var roleValue))
        {
            problems.Add("role is required");
            return;
        }
        if (roleValue.ValueKind != JsonValueKind.String)
        {
            problems.Add($"role must be a string, got {JsonValues.Describe(roleValue)}");
            return;
        }

        var role = roleValue.GetString()!.ToLowerInvariant();
        switch (role)
        {
            case "bot" or "assistant" or "agent":
                ParseSpeech(item, TranscriptRoles.MainAgent, context, output, problems);
                break;
            case "user":
                ParseSpeech(item, TranscriptRoles.TestingAgent, context, output, problems);
                break;
            case "tool_calls":
                ParseToolCalls(item, context, output, problems);
                break;
            case "tool_call_result":
                ParseToolResult(item, context, output, problems);
                break;
            default:
                // system (the prompt) is dropped; kinds Vapi may add later are skipped, never rejected.
                break;
        }
    }

    private static void ParseSpeech(JsonElement item, string role, Context context, List<Parsed> output, List<string> problems)
    {
        var start = ReadStart(item, context, problems, out var timeScale, out var shortForm);
        var length = ReadLength(item, timeScale, problems);
        string? content = null;
        if (!item.TryGetProperty("message", out var message))
        {
            problems.Add("message is required for a speech turn");
        }
        else if (message.ValueKind == JsonValueKind.String)
        {
            content = message.GetString()!;
        }
        else if (message.ValueKind != JsonValueKind.Null)
        {
            problems.Add($"message must be a string, got {JsonValues.Describe(message)}");
        }
        // A null message is a turn Vapi recorded without text: nothing was said, so there is no turn to keep.
        if (problems.Count > 0 || content is null)
        {
            return;
        }
        var end = start is { } s && length is { } l ? s + l : (double?)null;
        output.Add(new Parsed(
            new TranscriptEntry { Role = role, Content = content, StartTime = start, EndTime = end },
            EstimateEnd: shortForm && start is not null && length is null));
    }

    private static void ParseToolCalls(JsonElement item, Context context, List<Parsed> output, List<string> problems)
    {
        var start = ReadStart(item, context, problems, out _, out _);
        if (!JsonValues.TryGetProperty(item, "toolCalls", out var toolCalls))
        {
            return;
        }
        if (toolCalls.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"toolCalls must be an array, got {JsonValues.Describe(toolCalls)}");
            return;
        }
        var calls = new List<Parsed>();
        var i = 0;
        foreach (var call in toolCalls.EnumerateArray())
        {
            var path = $"toolCalls[{i++}]";
            if (call.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}: expected an object, got {JsonValues.Describe(call)}");
                continue;
            }
            var id = ReadId(call, "id", $"{path}.id", problems);
            if (!JsonValues.TryGetProperty(call, "function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}.function must be an object {{name, arguments}}");
                continue;
            }
            var name = ReadName(function, $"{path}.function", problems);
            if (id is null || name is null)
            {
                continue;
            }
            // arguments is a JSON string; an object sent instead is kept as its JSON text.
            var arguments = JsonValues.ReadText(function, "arguments") ?? "";
            calls.Add(new Parsed(new TranscriptEntry
            {
                Role = TranscriptRoles.FunctionCall,
                Content = "",
                StartTime = start,
                Data = new FunctionCallData { Id = id, Name = name, Arguments = arguments },
            }, EstimateEnd: false));
        }
        if (problems.Count == 0)
        {
            output.AddRange(calls);
        }
    }

    private static void ParseToolResult(JsonElement item, Context context, List<Parsed> output, List<string> problems)
    {
        var start = ReadStart(item, context, problems, out _, out _);
        var id = ReadId(item, "toolCallId", "toolCallId", problems);
        string? name = null;
        if (Has(item, "name"))
        {
            name = ReadName(item, "", problems);
        }
        else if (id is not null && !context.ToolNames.TryGetValue(id, out name))
        {
            problems.Add($"name is required: no tool call with id '{Truncate(id)}' names it");
        }
        if (problems.Count > 0 || id is null || name is null)
        {
            return;
        }
        // result is typed as a string, but captures show objects too: those are kept as their JSON text.
        var result = JsonValues.ReadText(item, "result") ?? "";
        output.Add(new Parsed(new TranscriptEntry
        {
            Role = TranscriptRoles.FunctionCallResult,
            Content = "",
            StartTime = start,
            Data = new FunctionCallData { Id = id, Name = name, Result = result },
        }, EstimateEnd: false));
    }

    /// <summary>
    /// The start in seconds from the conversation start: <c>secondsFromStart</c>, else <c>time</c> (epoch ms against
    /// the conversation's zero point, or the short form's seconds). <paramref name="timeScale"/> turns a difference of
    /// <c>time</c> values into seconds.
    /// </summary>
    private static double? ReadStart(JsonElement item, Context context, List<string> problems, out double timeScale, out bool shortForm)
    {
        shortForm = false;
        timeScale = 1;
        var time = ReadNumber(item, "time", "time", "a number (epoch milliseconds, or seconds from the call start)", problems);
        var secondsFromStart = ReadNumber(item, "secondsFromStart", "secondsFromStart", "a number of seconds", problems);
        if (time is >= EpochMillisecondsFloor)
        {
            timeScale = 0.001;
        }
        else if (time is < 0)
        {
            problems.Add("time must not be negative");
            time = null;
        }
        else if (time is >= SecondsFromStartCeiling && secondsFromStart is null)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"time {time} is neither seconds from the call start nor epoch milliseconds"));
            time = null;
        }

        if (secondsFromStart is { } sfs)
        {
            if (sfs < 0)
            {
                problems.Add("secondsFromStart must not be negative");
                return null;
            }
            return sfs;
        }
        if (time is not { } t)
        {
            return null;
        }
        if (timeScale == 1)
        {
            shortForm = true;
            return t;
        }
        // Vapi's own zero point; startedAt is later than the first messages, so it is never used. The first message
        // may precede a zero point taken from a later one by a few milliseconds: that rounds to the call start.
        var start = (t - (context.StartMilliseconds ?? t)) / 1000;
        if (!double.IsFinite(start))
        {
            problems.Add("time is out of range");
            return null;
        }
        return Math.Max(0, start);
    }

    /// <summary>The turn length in seconds: <c>endTime − time</c>, else <c>duration</c> (ms); null when absent or absurd.</summary>
    private static double? ReadLength(JsonElement item, double timeScale, List<string> problems)
    {
        var time = TryNumber(item, "time");
        var endTime = ReadNumber(item, "endTime", "endTime", "a number (like time)", problems);
        var duration = ReadNumber(item, "duration", "duration", "a number of milliseconds", problems);
        double? length = null;
        if (time is { } t && endTime is { } e)
        {
            length = (e - t) * timeScale;
        }
        if (length is not (>= 0 and <= MaxTurnSeconds) && duration is { } d)
        {
            length = d / 1000;
        }
        return length is >= 0 and <= MaxTurnSeconds ? length : null;
    }

    /// <summary>Short-form turns end at the next turn's start, capped by a speaking-rate estimate.</summary>
    private static List<TranscriptEntry> WithEstimatedEnds(List<Parsed> parsed)
    {
        var starts = parsed.Where(p => p.Entry.IsSpeech && p.Entry.StartTime is not null)
            .Select(p => p.Entry.StartTime!.Value).Order().ToArray();
        return parsed.Select(p =>
        {
            if (!p.EstimateEnd || p.Entry.StartTime is not { } start)
            {
                return p.Entry;
            }
            var words = p.Entry.Content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            var end = start + Math.Max(MinEstimatedTurnSeconds, words * SecondsPerWord);
            var next = Array.BinarySearch(starts, start);
            next = next < 0 ? ~next : next;
            while (next < starts.Length && starts[next] <= start)
            {
                next++;
            }
            if (next < starts.Length)
            {
                end = Math.Min(end, starts[next]);
            }
            return p.Entry with { EndTime = end };
        }).ToList();
    }

    /// <summary>
    /// Vapi's conversation zero point in epoch ms (<c>time − secondsFromStart·1000</c>, from the first bot/user
    /// message that has both), else the earliest epoch-ms <c>time</c>. Only needed for messages without
    /// <c>secondsFromStart</c>.
    /// </summary>
    private static double? ConversationStartMilliseconds(JsonElement messages)
    {
        double? fromAnyMessage = null;
        double? earliest = null;
        foreach (var item in messages.EnumerateArray())
        {
            if (TryNumber(item, "time") is not { } time || time < EpochMillisecondsFloor)
            {
                continue;
            }
            earliest = Math.Min(earliest ?? time, time);
            if (TryNumber(item, "secondsFromStart") is not { } sfs || sfs < 0 || !double.IsFinite(time - sfs * 1000))
            {
                continue;
            }
            var zero = time - sfs * 1000;
            var role = JsonValues.ReadText(item, "role")?.ToLowerInvariant();
            if (role is "bot" or "assistant" or "agent" or "user")
            {
                return zero;
            }
            fromAnyMessage ??= zero;
        }
        return fromAnyMessage ?? earliest;
    }

    /// <summary>Tool names by call id, so a result without <c>name</c> takes its call's.</summary>
    private static Dictionary<string, string> ToolNamesById(JsonElement messages)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in messages.EnumerateArray())
        {
            if (!JsonValues.TryGetProperty(item, "toolCalls", out var calls) || calls.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var call in calls.EnumerateArray())
            {
                if (IdText(call, "id") is { } id
                    && JsonValues.TryGetProperty(call, "function", out var function)
                    && JsonValues.TryGetProperty(function, "name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    names.TryAdd(id, name.GetString()!);
                }
            }
        }
        return names;
    }

    private static string? ReadId(JsonElement obj, string name, string path, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(obj, name, out var value))
        {
            problems.Add($"{path} is required");
            return null;
        }
        if (IdText(obj, name) is { } id)
        {
            return id;
        }
        problems.Add(value.ValueKind == JsonValueKind.String
            ? $"{path} is required"
            : $"{path} must be a string, got {JsonValues.Describe(value)}");
        return null;
    }

    /// <summary>An id given as a non-empty string or a number (ids are sometimes numbers).</summary>
    private static string? IdText(JsonElement obj, string name) =>
        JsonValues.TryGetProperty(obj, name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            && JsonValues.AsText(value) is { Length: > 0 } text
            ? text
            : null;

    private static string? ReadName(JsonElement obj, string prefix, List<string> problems)
    {
        var path = prefix.Length == 0 ? "name" : $"{prefix}.name";
        if (!JsonValues.TryGetProperty(obj, "name", out var value))
        {
            problems.Add($"{path} is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{path} must be a string, got {JsonValues.Describe(value)}");
            return null;
        }
        if (value.GetString() is not { Length: > 0 } name)
        {
            problems.Add($"{path} is required");
            return null;
        }
        return name;
    }

    /// <summary>An optional finite number, or a string holding one; a problem naming the path when it is anything else.</summary>
    private static double? ReadNumber(JsonElement obj, string name, string path, string expected, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(obj, name, out var value))
        {
            return null;
        }
        if (TryNumber(obj, name) is { } number)
        {
            return number;
        }
        problems.Add($"{path} must be {expected}, got {JsonValues.Describe(value)}");
        return null;
    }

    private static double? TryNumber(JsonElement obj, string name)
    {
        if (!JsonValues.TryGetProperty(obj, name, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }
        return value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && double.IsFinite(parsed)
            ? parsed
            : null;
    }

    private static bool TryGetPath(JsonElement obj, string[] path, out JsonElement value)
    {
        value = obj;
        foreach (var name in path)
        {
            if (!JsonValues.TryGetProperty(value, name, out value))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Has(JsonElement obj, string name) => JsonValues.TryGetProperty(obj, name, out _);

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private sealed record Context(IReadOnlyDictionary<string, string> ToolNames, double? StartMilliseconds);

    private sealed record Parsed(TranscriptEntry Entry, bool EstimateEnd);
}
