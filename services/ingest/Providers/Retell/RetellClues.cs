using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Retell;

public static class RetellClues
{
    /// <summary>Retell's transcript fields, its tool invocations, or word-timed turns of role <c>agent</c>.</summary>
    public static FormatClues Clues { get; } = new(
        f => f.Has("transcript_with_tool_calls") || f.Has("transcript_object") || f.Has("tool_call_invocation")
             || (f.Has("words") && f.Roles.Contains("agent")));
}
