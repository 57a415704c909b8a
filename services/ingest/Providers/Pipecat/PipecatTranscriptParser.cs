using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Pipecat;

/// <summary>
/// Pipecat has no transcript format of its own beyond what the user's pipeline logs, so this accepts the shapes a
/// Pipecat app really produces (provider-formats.md §5), mixed freely in one list:
/// <list type="bullet">
/// <item>transcript messages <c>{role: assistant|user, content, timestamp?, user_id?, interrupted?}</c> (the legacy
/// <c>TranscriptionMessage</c> and the 1.x turn-event records), <c>timestamp</c> = turn start in ISO 8601 with
/// <c>Z</c> or an offset;</item>
/// <item>the LLM context in OpenAI form: <c>assistant</c> with <c>tool_calls</c>, <c>role: tool</c> with
/// <c>tool_call_id</c>, <c>system</c>/<c>developer</c> dropped, <c>content</c> a string or <c>[{type: text, text}]</c>;</item>
/// <item>Cekura's documented forms (not Pipecat shapes): timed <c>{role, content, start_time, end_time}</c> in seconds, and
/// tool entries <c>{role: "tool_call", data: {id, name, arguments}}</c> / <c>{role: "tool_call_result", data: {id, name,
/// result}}</c>, kept as function entries.</item>
/// </list>
/// Any other role is skipped, never rejected.
/// The root is that list, or an object with <c>messages</c> (the native endpoint's body), optionally with a
/// <c>context</c> list beside it whose tool calls are placed among the messages by matching the surrounding turns.
/// Times: ISO timestamps relative to the earliest one, end = next turn's start capped by a speaking-rate
/// estimate; messages without a time are untimed. Tool entries carry a time only when written with one.
/// </summary>
public sealed class PipecatTranscriptParser : TranscriptParser
{
    private const string Shapes = "a list of Pipecat messages {role, content, timestamp?} or an object with a \"messages\" list";

    private static readonly Regex IsoDateTime = new(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", RegexOptions.CultureInvariant);

    public override IReadOnlyList<string> Types { get; } = ["pipecat"];

    protected override IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript)
    {
        var (messages, context) = Locate(transcript);
        var problems = new TranscriptProblems();
        var stamps = new List<DateTimeOffset>();
        var main = messages is { } m ? ReadList(m, "entry", problems, stamps) : [];
        var extra = context is { } c && !problems.Full ? ReadList(c, "context entry", problems, stamps) : [];
        if (problems.Count == 0)
        {
            CheckTimeForms([.. main, .. extra], problems);
        }
        problems.ThrowIfAny();

        // The earliest timestamp, counting turns skipped for saying nothing: they still happened in the call.
        var zero = stamps.DefaultIfEmpty().Min();
        var merged = Merge(main, extra);
        var names = merged.Where(i => i.Entry.Role == TranscriptRoles.FunctionCall)
            .GroupBy(i => i.Entry.Data!.Id).ToDictionary(g => g.Key, g => g.First().Entry.Data!.Name);
        var entries = merged.Select(i => Finish(i, zero, names)).ToList();
        return StartOnlyTurns.CloseByNextStart(TranscriptOrder.ByStartTime(entries), EstimatedEnd, estimateLast: true);
    }

    /// <summary>One output entry before times are settled, with what is needed to place and time it.</summary>
    private sealed record Item(string Where, TranscriptEntry Entry, DateTimeOffset? Stamp, bool Seconds, string? SpeechKey);

    private static (JsonElement? Messages, JsonElement? Context) Locate(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return (root, null);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TranscriptFormatException($"expected {Shapes}, got {JsonValues.Describe(root)}");
        }

        var problems = new List<string>();
        JsonElement? messages = null, context = null;
        if (JsonValues.TryGetProperty(root, "messages", out var m))
        {
            if (m.ValueKind == JsonValueKind.Array)
            {
                messages = m;
            }
            else
            {
                problems.Add($"messages must be an array of {{role, content, timestamp?}} messages, got {JsonValues.Describe(m)}");
            }
        }
        if (JsonValues.TryGetProperty(root, "context", out var c))
        {
            if (c.ValueKind == JsonValueKind.Array)
            {
                context = c;
            }
            else if (JsonValues.TryGetProperty(c, "messages", out var cm) && cm.ValueKind == JsonValueKind.Array)
            {
                context = cm;
            }
            else
            {
                problems.Add($"context must be an array of OpenAI-format LLM context messages, got {JsonValues.Describe(c)}");
            }
        }
        if (problems.Count > 0)
        {
            throw new TranscriptFormatException(problems);
        }
        if (messages is null && context is null)
        {
            throw new TranscriptFormatException($"expected {Shapes}, got an object without \"messages\"");
        }
        return (messages, context);
    }

    private static List<Item> ReadList(JsonElement list, string label, TranscriptProblems problems, List<DateTimeOffset> stamps) =>
        ReadEntries<Item>(list, problems, (message, index, output, messageProblems) =>
        {
            var where = $"{label} {index}";
            output.AddRange(ReadMessage(message, messageProblems, stamps).Select(i => i with { Where = where }));
        }, label);

    private static List<Item> ReadMessage(JsonElement message, List<string> problems, List<DateTimeOffset> stamps)
    {
        if (message.ValueKind == JsonValueKind.Null)
        {
            return []; // null messages happen (e.g. a turn event that carried nothing): skip them
        }
        if (message.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"expected an object, got {JsonValues.Describe(message)}");
            return [];
        }
        if (!JsonValues.TryGetProperty(message, "role", out var roleValue))
        {
            problems.Add("role is required");
            return [];
        }
        if (roleValue.ValueKind != JsonValueKind.String)
        {
            problems.Add($"role must be a string, got {JsonValues.Describe(roleValue)}");
            return [];
        }
        var role = roleValue.GetString()!;
        switch (role)
        {
            case "system" or "developer":
                return [];
            case "assistant" or "user":
                return ReadTurn(message, role, problems, stamps);
            case "tool":
                return ReadToolResult(message, problems);
            case FunctionEntries.ToolCall or FunctionEntries.ToolCallResult:
                return ReadDocumentedToolEntry(message, role, problems, stamps);
            default:
                // A role we do not use (one Pipecat adds later, another format's) carries nothing for us: skip it.
                return [];
        }
    }

    /// <summary>Cekura's documented <c>{role: "tool_call" | "tool_call_result", data}</c>, timed like a turn when it has a time.</summary>
    private static List<Item> ReadDocumentedToolEntry(JsonElement message, string role, List<string> problems, List<DateTimeOffset> stamps)
    {
        var (start, end, stamp, seconds) = ReadTimes(message, problems);
        var data = FunctionEntries.ReadData(message, role, isResult: role == FunctionEntries.ToolCallResult, problems);
        if (problems.Count > 0 || data is null)
        {
            return [];
        }
        if (stamp is { } s)
        {
            stamps.Add(s);
        }
        var entry = new TranscriptEntry
        {
            Role = FunctionEntries.CanonicalToolRole(role)!, Content = "", StartTime = start, EndTime = end, Data = data,
        };
        return [new Item("", entry, stamp, seconds, null)];
    }

    private static List<Item> ReadTurn(JsonElement message, string role, List<string> problems, List<DateTimeOffset> stamps)
    {
        var (start, end, stamp, seconds) = ReadTimes(message, problems);
        var content = ReadSpeechContent(message, problems);
        var calls = role == "assistant" ? ReadToolCalls(message, problems) : [];
        if (problems.Count > 0)
        {
            return [];
        }
        if (stamp is { } s)
        {
            stamps.Add(s);
        }

        var items = new List<Item>();
        // An empty turn (user content null in realtime mode, assistant interrupted before any token) says nothing: skip it.
        if (!string.IsNullOrWhiteSpace(content))
        {
            var canonical = role == "assistant" ? TranscriptRoles.MainAgent : TranscriptRoles.TestingAgent;
            items.Add(new Item("",
                new TranscriptEntry { Role = canonical, Content = content, StartTime = start, EndTime = end },
                stamp, seconds, canonical + "\n" + Normalize(content)));
        }
        items.AddRange(calls.Select(data =>
            new Item("", new TranscriptEntry { Role = TranscriptRoles.FunctionCall, Content = "", Data = data }, null, false, null)));
        return items;
    }

    private static List<Item> ReadToolResult(JsonElement message, List<string> problems)
    {
        var id = JsonValues.ReadText(message, "tool_call_id");
        if (string.IsNullOrEmpty(id))
        {
            problems.Add("tool_call_id is required for a 'tool' message");
            return [];
        }
        // The name comes from the matching call when there is one (see Finish); OpenAI's old shape also puts it here.
        var name = JsonValues.ReadText(message, "name") ?? "";
        var result = JsonValues.TryGetProperty(message, "content", out var content) ? ResultText(content) : "";
        return [new Item("",
            new TranscriptEntry { Role = TranscriptRoles.FunctionCallResult, Content = "", Data = new FunctionCallData { Id = id, Name = name, Result = result } },
            null, false, null)];
    }

    private static (double? Start, double? End, DateTimeOffset? Stamp, bool Seconds) ReadTimes(JsonElement message, List<string> problems)
    {
        var count = problems.Count;
        var (start, end) = JsonValues.ReadStartEnd(message, problems);

        DateTimeOffset? stamp = null;
        if (JsonValues.TryGetProperty(message, "timestamp", out var value))
        {
            if (value.ValueKind == JsonValueKind.String && IsoDateTime.IsMatch(value.GetString()!)
                && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                stamp = parsed;
            }
            else
            {
                problems.Add($"timestamp must be an ISO 8601 date-time such as \"2025-10-17T14:08:03.120+00:00\", got {JsonValues.Describe(value)}");
            }
        }
        if (problems.Count > count)
        {
            return (null, null, null, false);
        }
        // Our own seconds form wins over a timestamp on the same message.
        var seconds = start is not null || end is not null;
        return (start, end, seconds ? null : stamp, seconds);
    }

    /// <summary>A string, null, or OpenAI content parts <c>[{type: "text", text}]</c> (other part types, e.g. audio, are skipped).</summary>
    private static string? ReadSpeechContent(JsonElement message, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(message, "content", out var content))
        {
            return null;
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"content must be a string, a list of {{type: \"text\", text}} parts or null, got {JsonValues.Describe(content)}");
            return null;
        }
        var texts = new List<string>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String)
            {
                texts.Add(part.GetString()!);
            }
            else if (part.ValueKind == JsonValueKind.Object)
            {
                var type = JsonValues.TryGetProperty(part, "type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type is null or "text" && JsonValues.TryGetProperty(part, "text", out var text))
                {
                    if (text.ValueKind == JsonValueKind.String)
                    {
                        texts.Add(text.GetString()!);
                    }
                    else
                    {
                        problems.Add($"content[{index}].text must be a string, got {JsonValues.Describe(text)}");
                    }
                }
            }
            else if (part.ValueKind != JsonValueKind.Null)
            {
                problems.Add($"content[{index}] must be a {{type: \"text\", text}} part, got {JsonValues.Describe(part)}");
            }
            index++;
        }
        return string.Join(" ", texts.Where(t => t.Length > 0));
    }

    /// <summary>OpenAI <c>tool_calls: [{id, type: "function", function: {name, arguments}}]</c>; other tool types are skipped.</summary>
    private static List<FunctionCallData> ReadToolCalls(JsonElement message, List<string> problems)
    {
        var calls = new List<FunctionCallData>();
        if (!JsonValues.TryGetProperty(message, "tool_calls", out var toolCalls))
        {
            return calls;
        }
        if (toolCalls.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"tool_calls must be an array of {{id, type, function: {{name, arguments}}}}, got {JsonValues.Describe(toolCalls)}");
            return calls;
        }
        var index = 0;
        foreach (var call in toolCalls.EnumerateArray())
        {
            var path = $"tool_calls[{index++}]";
            if (call.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (call.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path} must be an object {{id, type, function: {{name, arguments}}}}, got {JsonValues.Describe(call)}");
                continue;
            }
            if (JsonValues.TryGetProperty(call, "type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "function"))
            {
                continue; // e.g. OpenAI "custom" tools: not a function call we can show
            }
            var id = JsonValues.ReadText(call, "id");
            if (string.IsNullOrEmpty(id))
            {
                problems.Add($"{path}.id is required");
            }
            if (!JsonValues.TryGetProperty(call, "function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}.function must be an object {{name, arguments}}");
                continue;
            }
            var name = JsonValues.ReadText(function, "name");
            if (string.IsNullOrEmpty(name))
            {
                problems.Add($"{path}.function.name is required");
            }
            // arguments is a JSON string in OpenAI form; an object sent instead is kept as its JSON text.
            var arguments = JsonValues.ReadText(function, "arguments") ?? "";
            if (!string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(name))
            {
                calls.Add(new FunctionCallData { Id = id, Name = name, Arguments = arguments });
            }
        }
        return calls;
    }

    /// <summary>A tool message's content: a string as is, text parts joined, anything else as its JSON text.</summary>
    private static string ResultText(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.Array && content.EnumerateArray().All(p =>
                p.ValueKind == JsonValueKind.String
                || (JsonValues.TryGetProperty(p, "text", out var t) && t.ValueKind == JsonValueKind.String)))
        {
            return string.Join(" ", content.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetProperty("text").GetString()!));
        }
        return JsonValues.AsText(content);
    }

    /// <summary>
    /// ISO timestamps and <c>start_time</c> seconds have different zero points, so one transcript uses one of them;
    /// the entries of the less used form (timestamps on a tie) are named.
    /// </summary>
    private static void CheckTimeForms(List<Item> items, TranscriptProblems problems)
    {
        var stamped = items.Where(i => i.Stamp is not null).Select(i => i.Where).Distinct().ToList();
        var seconds = items.Where(i => i.Seconds).Select(i => i.Where).Distinct().ToList();
        if (stamped.Count == 0 || seconds.Count == 0)
        {
            return;
        }
        var odd = stamped.Count <= seconds.Count
            ? stamped.Select(w => $"{w}: timestamp is an ISO date-time but other entries use start_time/end_time seconds; use one or the other")
            : seconds.Select(w => $"{w}: start_time/end_time are seconds but other entries use ISO timestamps; use one or the other");
        foreach (var problem in odd)
        {
            problems.Add(problem);
        }
    }

    /// <summary>
    /// The transcript messages give the speech; context tool entries go in after the turn that precedes them in the
    /// context (matched by role and text), else before the turn that follows them, else at the end. Tool entries
    /// that the messages already have (same id) are not repeated.
    /// </summary>
    private static List<Item> Merge(List<Item> main, List<Item> context)
    {
        if (context.Count == 0)
        {
            return main;
        }
        var known = main.Where(i => i.Entry.Data is not null).Select(i => (i.Entry.Role, i.Entry.Data!.Id)).ToHashSet();
        if (!main.Any(i => i.SpeechKey is not null))
        {
            return [.. main, .. context.Where(i => i.Entry.Data is null || !known.Contains((i.Entry.Role, i.Entry.Data.Id)))];
        }

        var mapped = new int[context.Count];
        var next = 0;
        for (var k = 0; k < context.Count; k++)
        {
            mapped[k] = -1;
            if (context[k].SpeechKey is not { } key)
            {
                continue;
            }
            var found = main.FindIndex(next, i => i.SpeechKey == key);
            if (found >= 0)
            {
                mapped[k] = found;
                next = found + 1;
            }
        }

        var before = new List<Item>[main.Count];
        var after = new List<Item>[main.Count];
        var atEnd = new List<Item>();
        for (var k = 0; k < context.Count; k++)
        {
            var item = context[k];
            if (item.Entry.Data is null || known.Contains((item.Entry.Role, item.Entry.Data.Id)))
            {
                continue;
            }
            var previous = Enumerable.Range(0, k).Reverse().Select(p => mapped[p]).FirstOrDefault(p => p >= 0, -1);
            var following = Enumerable.Range(k + 1, context.Count - k - 1).Select(p => mapped[p]).FirstOrDefault(p => p >= 0, -1);
            if (previous >= 0)
            {
                (after[previous] ??= []).Add(item);
            }
            else if (following >= 0)
            {
                (before[following] ??= []).Add(item);
            }
            else
            {
                atEnd.Add(item);
            }
        }

        var merged = new List<Item>();
        for (var j = 0; j < main.Count; j++)
        {
            merged.AddRange(before[j] ?? []);
            merged.Add(main[j]);
            merged.AddRange(after[j] ?? []);
        }
        merged.AddRange(atEnd);
        return merged;
    }

    private static TranscriptEntry Finish(Item item, DateTimeOffset zero, Dictionary<string, string> callNames)
    {
        var entry = item.Entry;
        if (item.Stamp is { } stamp)
        {
            entry = entry with { StartTime = (stamp - zero).TotalSeconds };
        }
        if (entry.Role == TranscriptRoles.FunctionCallResult && callNames.TryGetValue(entry.Data!.Id, out var name))
        {
            entry = entry with { Data = entry.Data with { Name = name } };
        }
        return entry;
    }

    /// <summary>
    /// A turn's words said at <see cref="StartOnlyTurns.WordsPerSecond"/>, at least one word's worth. Unlike
    /// <see cref="StartOnlyTurns.EstimatedEnd"/> it has no one-second floor: Pipecat's ISO timestamps are precise, and
    /// the last turn gets this estimate too rather than waiting for the recording.
    /// </summary>
    private static double EstimatedEnd(TranscriptEntry turn) =>
        turn.StartTime!.Value + Math.Max(1, WordCount(turn.Content)) / StartOnlyTurns.WordsPerSecond;

    private static int WordCount(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }
        return builder.ToString().TrimEnd();
    }
}
