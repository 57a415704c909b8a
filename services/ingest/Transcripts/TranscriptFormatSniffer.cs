using System.Text.Json;

namespace Cekura.Ingest.Transcripts;

/// <summary>
/// Guesses which provider a transcript came from, so that a payload sent with the wrong <c>transcript_type</c>
/// gets an error that says which type to use. The clues are the fields each provider alone uses
/// (provider-formats.md, section 7).
/// </summary>
public static class TranscriptFormatSniffer
{
    private const int MaxDepth = 5;
    private const int MaxItemsPerArray = 50;

    public static string? Guess(JsonElement json)
    {
        var clues = new Clues();
        Collect(json, 0, clues);
        return clues switch
        {
            _ when clues.Has("secondsFromStart") || clues.Has("artifact") || clues.TypeValues.Contains("end-of-call-report") => "vapi",
            _ when clues.Has("transcript_with_tool_calls") || clues.Has("transcript_object") || clues.Has("tool_call_invocation")
                || (clues.Has("words") && clues.Roles.Contains("agent")) => "retell",
            _ when clues.Has("time_in_call_secs") || clues.Has("conversation_id")
                || clues.TypeValues.Any(t => t.StartsWith("post_call_", StringComparison.Ordinal)) => "elevenlabs",
            _ when clues.Has("chat_history") || (clues.Has("items") && clues.TypeValues.Contains("message"))
                || clues.Has("started_speaking_at") => "livekit",
            _ when (clues.Has("channels") && clues.Has("alternatives")) || clues.Has("utterances") => "deepgram",
            _ when clues.Has("role") && clues.Has("content") && clues.Has("timestamp") && !clues.Has("start_time") => "pipecat",
            _ when clues.Roles.Overlaps(["Main Agent", "Testing Agent"]) && clues.Has("start_time") => "cekura",
            _ when clues.Has("role") && clues.Has("message") && clues.Has("time") => "vapi",
            _ => null,
        };
    }

    /// <summary>The transcript_type values that name the same format.</summary>
    public static bool SameFormat(string a, string b) =>
        a == b || (IsCekura(a) && IsCekura(b));

    private static bool IsCekura(string type) => type is TranscriptTypes.Cekura or TranscriptTypes.Vocera;

    private static void Collect(JsonElement json, int depth, Clues clues)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    clues.Keys.Add(property.Name);
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        if (property.Name == "type")
                        {
                            clues.TypeValues.Add(property.Value.GetString()!);
                        }
                        else if (property.Name == "role")
                        {
                            clues.Roles.Add(property.Value.GetString()!);
                        }
                    }
                    Collect(property.Value, depth + 1, clues);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in json.EnumerateArray().Take(MaxItemsPerArray))
                {
                    Collect(item, depth + 1, clues);
                }
                break;
        }
    }

    private sealed class Clues
    {
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public HashSet<string> TypeValues { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Roles { get; } = new(StringComparer.Ordinal);

        public bool Has(string key) => Keys.Contains(key);
    }
}
