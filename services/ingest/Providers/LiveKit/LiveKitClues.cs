using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.LiveKit;

public static class LiveKitClues
{
    /// <summary>A session report's <c>chat_history</c>, <c>items</c> of type <c>message</c>, or LiveKit's speaking metrics.</summary>
    public static FormatClues Clues { get; } = new(
        f => f.Has("chat_history") || (f.Has("items") && f.TypeValues.Contains("message")) || f.Has("started_speaking_at"));
}
