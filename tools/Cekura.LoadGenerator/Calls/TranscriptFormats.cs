using System.Globalization;
using System.Text.Json.Nodes;

namespace Cekura.LoadGenerator.Calls;

/// <summary>
/// A conversation written as each provider's transcript (the shapes Send Calls accepts as <c>transcript_json</c>
/// with that <c>transcript_type</c>; see the transcript-formats spec and the parsers in services/ingest/Providers).
/// </summary>
public static class TranscriptFormats
{
    public const string Cekura = "cekura";
    public const string Vapi = "vapi";
    public const string Retell = "retell";
    public const string ElevenLabs = "elevenlabs";
    public const string LiveKit = "livekit";
    public const string Pipecat = "pipecat";

    public static readonly IReadOnlyList<string> All = [Cekura, Vapi, Retell, ElevenLabs, LiveKit, Pipecat];

    /// <summary>The call's wall-clock start, for formats that carry absolute times.</summary>
    private static readonly DateTimeOffset Epoch = new(2026, 11, 2, 15, 4, 5, TimeSpan.Zero);

    public static JsonNode Write(string format, IReadOnlyList<Turn> turns) => format switch
    {
        Cekura => new JsonArray([.. turns.Select(t => (JsonNode)new JsonObject
        {
            ["role"] = t.IsAgent ? "Main Agent" : "Testing Agent",
            ["content"] = t.Text,
            ["start_time"] = t.Start,
            ["end_time"] = t.End,
        })]),
        Vapi => Vapi_(turns),
        Retell => new JsonArray([.. turns.Select(t => (JsonNode)new JsonObject
        {
            ["role"] = t.IsAgent ? "agent" : "user",
            ["content"] = t.Text,
            ["words"] = Words(t),
        })]),
        ElevenLabs => new JsonArray([.. turns.Select(t => (JsonNode)new JsonObject
        {
            ["role"] = t.IsAgent ? "agent" : "user",
            ["message"] = t.Text,
            ["tool_calls"] = null,
            ["tool_results"] = null,
            ["time_in_call_secs"] = (int)Math.Floor(t.Start),
            ["interrupted"] = false,
            ["source_medium"] = "audio",
        })]),
        LiveKit => new JsonObject
        {
            ["items"] = new JsonArray([.. turns.Select((t, i) => (JsonNode)new JsonObject
            {
                ["id"] = $"item_{i:x8}",
                ["type"] = "message",
                ["role"] = t.IsAgent ? "assistant" : "user",
                ["content"] = new JsonArray(t.Text),
                ["interrupted"] = false,
                ["metrics"] = new JsonObject
                {
                    ["started_speaking_at"] = Math.Round(Epoch.ToUnixTimeMilliseconds() / 1000.0 + t.Start, 3),
                    ["stopped_speaking_at"] = Math.Round(Epoch.ToUnixTimeMilliseconds() / 1000.0 + t.End, 3),
                },
            })]),
        },
        Pipecat => new JsonArray([.. turns.Select(t => (JsonNode)new JsonObject
        {
            ["role"] = t.IsAgent ? "assistant" : "user",
            ["content"] = t.Text,
            ["timestamp"] = (Epoch + TimeSpan.FromSeconds(t.Start)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'", CultureInfo.InvariantCulture),
        })]),
        _ => throw new ArgumentException($"Unknown transcript format '{format}'.", nameof(format)),
    };

    /// <summary>Vapi's <c>artifact.messages</c>: a system prompt (dropped by the parser), then bot/user turns in epoch ms.</summary>
    private static JsonArray Vapi_(IReadOnlyList<Turn> turns)
    {
        var start = Epoch.ToUnixTimeMilliseconds();
        var messages = new JsonArray(new JsonObject
        {
            ["role"] = "system",
            ["message"] = "You are Ava, the scheduler for Bloom Dental. Be brief and friendly.",
            ["time"] = start,
            ["secondsFromStart"] = 0,
        });
        foreach (var t in turns)
        {
            messages.Add(new JsonObject
            {
                ["role"] = t.IsAgent ? "bot" : "user",
                ["message"] = t.Text,
                ["time"] = start + (long)(t.Start * 1000),
                ["endTime"] = start + (long)(t.End * 1000),
                ["secondsFromStart"] = t.Start,
                ["duration"] = (long)((t.End - t.Start) * 1000),
                ["source"] = "",
            });
        }
        return messages;
    }

    /// <summary>Retell's word timings: the turn's span shared evenly by its words.</summary>
    private static JsonArray Words(Turn turn)
    {
        var words = turn.Text.Split(' ');
        var step = (turn.End - turn.Start) / words.Length;
        return new JsonArray([.. words.Select((w, i) => (JsonNode)new JsonObject
        {
            ["word"] = w,
            ["start"] = Math.Round(turn.Start + i * step, 3),
            ["end"] = Math.Round(turn.Start + (i + 1) * step, 3),
        })]);
    }
}
