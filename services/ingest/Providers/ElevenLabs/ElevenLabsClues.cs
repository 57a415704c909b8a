using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.ElevenLabs;

public static class ElevenLabsClues
{
    /// <summary><c>time_in_call_secs</c>, a <c>conversation_id</c>, or a <c>post_call_*</c> webhook type.</summary>
    public static FormatClues Clues { get; } = new(
        f => f.Has("time_in_call_secs") || f.Has("conversation_id")
             || f.TypeValues.Any(t => t.StartsWith("post_call_", StringComparison.Ordinal)));
}
