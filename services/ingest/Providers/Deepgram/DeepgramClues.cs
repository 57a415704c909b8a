using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Deepgram;

public static class DeepgramClues
{
    /// <summary>The <c>/v1/listen</c> response's <c>channels</c> of <c>alternatives</c>, or its <c>utterances</c>.</summary>
    public static FormatClues Clues { get; } = new(f => (f.Has("channels") && f.Has("alternatives")) || f.Has("utterances"));
}
