using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.ElevenLabs;

/// <summary>
/// ElevenLabs Agents (<c>elevenlabs</c>): the conversation <c>transcript</c> array of
/// <c>{role: agent|user, message?, time_in_call_secs, tool_calls?, tool_results?}</c> turns. Accepted as the bare
/// array, <c>{transcript: [...]}</c>, the GET-conversation object, or the whole <c>post_call_transcription</c> webhook
/// body (<c>data.transcript</c>).
/// </summary>
/// <remarks>
/// Times: ElevenLabs gives only a start (integer seconds from the call start). A speech turn ends at the next speech
/// turn's start, capped by <see cref="StartOnlyTurns.SpeakingSeconds"/>; the last speech turn's end stays null (the
/// recording's length closes it). Function entries carry their turn's start and no end. Tool calls and results become
/// Function Call / Function Call Result entries paired by <c>request_id</c> (a result without <c>tool_name</c> takes its
/// call's name; an empty <c>result_value</c> gives way to the structured <c>result</c> of system/workflow tools;
/// <c>is_error</c> is kept). A turn whose message is null or blank and that carries no tools adds nothing.
/// </remarks>
public sealed class ElevenLabsTranscriptParser : TranscriptParser
{
    public const string TranscriptType = "elevenlabs";

    private const string Expected =
        "expected the ElevenLabs transcript array, {\"transcript\": [...]}, the conversation object or a post_call_transcription webhook body";

    public override IReadOnlyList<string> Types { get; } = [TranscriptType];

    protected override IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript)
    {
        var turns = FindTurns(transcript);
        var callNames = CallNamesByRequestId(turns);
        var problems = new TranscriptProblems();
        var entries = ReadEntries<TranscriptEntry>(turns, problems, (turn, _, output, turnProblems) => ParseTurn(turn, callNames, output, turnProblems));
        problems.ThrowIfAny();
        return StartOnlyTurns.CloseByNextStart(TranscriptOrder.ByStartTime(entries), StartOnlyTurns.EstimatedEnd, estimateLast: false);
    }

    private static JsonElement FindTurns(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TranscriptFormatException($"{Expected}, got {JsonValues.Describe(root)}");
        }
        if (root.TryGetProperty("transcript", out var transcript))
        {
            return transcript.ValueKind == JsonValueKind.Array
                ? transcript
                : throw new TranscriptFormatException($"transcript must be an array of turns, got {JsonValues.Describe(transcript)}");
        }
        if (root.TryGetProperty("data", out var data))
        {
            if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("transcript", out var dataTranscript))
            {
                return dataTranscript.ValueKind == JsonValueKind.Array
                    ? dataTranscript
                    : throw new TranscriptFormatException($"data.transcript must be an array of turns, got {JsonValues.Describe(dataTranscript)}");
            }
            var type = JsonValues.ReadText(root, "type");
            throw new TranscriptFormatException(type is not null and not "post_call_transcription"
                ? $"a '{type}' webhook carries no transcript: only 'post_call_transcription' has data.transcript"
                : data.ValueKind == JsonValueKind.Object
                    ? "data.transcript is required (a post_call_transcription webhook body)"
                    : $"data must be an object with a transcript, got {JsonValues.Describe(data)}");
        }
        throw new TranscriptFormatException($"{Expected}, got an object without transcript or data.transcript");
    }

    /// <summary>Tool names by request id, so a result can be named after its call wherever the call sits.</summary>
    private static Dictionary<string, string> CallNamesByRequestId(JsonElement turns)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var turn in turns.EnumerateArray())
        {
            if (!JsonValues.TryGetProperty(turn, "tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object
                    && JsonValues.ReadId(call, "request_id") is { Length: > 0 } id
                    && JsonValues.ReadId(call, "tool_name") is { Length: > 0 } name)
                {
                    names.TryAdd(id, name);
                }
            }
        }
        return names;
    }

    private static void ParseTurn(JsonElement turn, Dictionary<string, string> callNames, List<TranscriptEntry> entries, List<string> problems)
    {
        if (turn.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"expected an object, got {JsonValues.Describe(turn)}");
            return;
        }

        var role = ReadRole(turn, problems);
        JsonValues.TryReadNumber(turn, "time_in_call_secs", out var start, out var timeProblem);
        if (timeProblem is not null)
        {
            problems.Add(timeProblem);
        }
        else if (start < 0)
        {
            problems.Add("time_in_call_secs must not be negative");
        }

        string? message = null;
        if (JsonValues.TryGetProperty(turn, "message", out var messageValue))
        {
            if (messageValue.ValueKind == JsonValueKind.String)
            {
                message = messageValue.GetString()!;
            }
            else
            {
                problems.Add($"message must be a string or null, got {JsonValues.Describe(messageValue)}");
            }
        }

        if (role is not null && !string.IsNullOrWhiteSpace(message))
        {
            entries.Add(new TranscriptEntry { Role = role, Content = message, StartTime = start });
        }
        foreach (var (id, name, arguments) in ReadToolCalls(turn, problems))
        {
            entries.Add(new TranscriptEntry
            {
                Role = TranscriptRoles.FunctionCall, Content = "", StartTime = start,
                Data = new FunctionCallData { Id = id, Name = name, Arguments = arguments },
            });
        }
        foreach (var (id, name, result, isError) in ReadToolResults(turn, callNames, problems))
        {
            entries.Add(new TranscriptEntry
            {
                Role = TranscriptRoles.FunctionCallResult, Content = "", StartTime = start,
                Data = new FunctionCallData { Id = id, Name = name, Result = result, IsError = isError },
            });
        }
    }

    private static string? ReadRole(JsonElement turn, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(turn, "role", out var value))
        {
            problems.Add("role is required");
            return null;
        }
        switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
        {
            case "agent":
                return TranscriptRoles.MainAgent;
            case "user":
                return TranscriptRoles.TestingAgent;
            case { } other:
                problems.Add($"role '{other}' is not one of 'agent', 'user'");
                return null;
            default:
                problems.Add($"role must be 'agent' or 'user', got {JsonValues.Describe(value)}");
                return null;
        }
    }

    private static List<(string Id, string Name, string Arguments)> ReadToolCalls(JsonElement turn, List<string> problems)
    {
        var calls = new List<(string, string, string)>();
        foreach (var (call, path) in ToolItems(turn, "tool_calls", problems))
        {
            var id = ReadRequiredId(call, "request_id", path, problems);
            var name = ReadRequiredId(call, "tool_name", path, problems);
            if (id is not null && name is not null)
            {
                calls.Add((id, name, ReadPayload(call, "params_as_json")));
            }
        }
        return calls;
    }

    private static List<(string Id, string Name, string Result, bool? IsError)> ReadToolResults(
        JsonElement turn, Dictionary<string, string> callNames, List<string> problems)
    {
        var results = new List<(string, string, string, bool?)>();
        foreach (var (result, path) in ToolItems(turn, "tool_results", problems))
        {
            var known = problems.Count;
            var id = ReadRequiredId(result, "request_id", path, problems);
            var name = ReadOptionalId(result, "tool_name", path, problems);
            if (id is null || problems.Count > known)
            {
                continue;
            }
            if (string.IsNullOrEmpty(name) && !callNames.TryGetValue(id, out name))
            {
                problems.Add($"{path}.tool_name is required (no tool call has request_id '{id}')");
                continue;
            }
            // System and workflow tools may leave result_value empty and put a structured `result` beside it.
            var value = ReadPayload(result, "result_value") is { Length: > 0 } text ? text : ReadPayload(result, "result");
            results.Add((id, name!, value, JsonValues.ReadBool(result, "is_error")));
        }
        return results;
    }

    /// <summary>The objects of <c>tool_calls</c>/<c>tool_results</c>; null, missing and <c>[]</c> are all "none".</summary>
    private static IEnumerable<(JsonElement Item, string Path)> ToolItems(JsonElement turn, string field, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(turn, field, out var items))
        {
            yield break;
        }
        if (items.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{field} must be an array, got {JsonValues.Describe(items)}");
            yield break;
        }
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var path = $"{field}[{i++}]";
            if (item.ValueKind == JsonValueKind.Object)
            {
                yield return (item, path);
            }
            else
            {
                problems.Add($"{path} must be an object, got {JsonValues.Describe(item)}");
            }
        }
    }

    private static string? ReadRequiredId(JsonElement obj, string name, string path, List<string> problems)
    {
        var value = ReadOptionalId(obj, name, path, problems);
        if (value is "")
        {
            problems.Add($"{path}.{name} must not be empty");
            return null;
        }
        if (value is null && !JsonValues.TryGetProperty(obj, name, out _))
        {
            problems.Add($"{path}.{name} is required");
        }
        return value;
    }

    /// <summary>A string, or a number written as text; null (with a problem) for other kinds, null when absent.</summary>
    private static string? ReadOptionalId(JsonElement obj, string name, string path, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(obj, name, out var value))
        {
            return null;
        }
        var text = JsonValues.ReadId(obj, name);
        if (text is null)
        {
            problems.Add($"{path}.{name} must be a string, got {JsonValues.Describe(value)}");
        }
        return text;
    }

    /// <summary><c>params_as_json</c>/<c>result_value</c> are JSON text; an object sent instead is kept as its JSON text.</summary>
    private static string ReadPayload(JsonElement obj, string name) => JsonValues.ReadText(obj, name) ?? "";
}
