using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Cekura;

public static class CekuraClues
{
    /// <summary>The canonical role names with <c>start_time</c>: nobody else writes "Main Agent" / "Testing Agent".</summary>
    public static FormatClues Clues { get; } = new(
        f => f.Roles.Overlaps([TranscriptRoles.MainAgent, TranscriptRoles.TestingAgent]) && f.Has("start_time"));
}
