using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Vapi;

public static class VapiClues
{
    /// <summary>
    /// <c>secondsFromStart</c>, an <c>artifact</c> or an end-of-call-report; failing every provider's own field, the seed's
    /// short form <c>{role, message, time}</c>.
    /// </summary>
    public static FormatClues Clues { get; } = new(
        f => f.Has("secondsFromStart") || f.Has("artifact") || f.TypeValues.Contains("end-of-call-report"),
        f => f.Has("role") && f.Has("message") && f.Has("time"));
}
