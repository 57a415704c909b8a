using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Pipecat;

public static class PipecatClues
{
    /// <summary>
    /// Transcript messages <c>{role, content, timestamp}</c> with an ISO <c>timestamp</c> and no <c>start_time</c> (with
    /// it, they are Cekura's). A number <c>timestamp</c> is Cekura's LiveKit list form, which has nothing of its own to
    /// be recognised by.
    /// </summary>
    public static FormatClues Clues { get; } = new(
        f => f.Has("role") && f.Has("content") && f.HasText("timestamp") && !f.Has("start_time"));
}
