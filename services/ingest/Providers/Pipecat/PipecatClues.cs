using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Pipecat;

public static class PipecatClues
{
    /// <summary>Transcript messages <c>{role, content, timestamp}</c> without <c>start_time</c> (with it, they are Cekura's).</summary>
    public static FormatClues Clues { get; } = new(
        f => f.Has("role") && f.Has("content") && f.Has("timestamp") && !f.Has("start_time"));
}
