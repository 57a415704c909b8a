using Cekura.Contracts.Calls;

namespace Cekura.Transcription.Duration;

/// <summary>The call's length as the transcript tells it: the last moment any entry ends (or starts, if untimed at the end).</summary>
public static class TranscriptDuration
{
    public static double? Seconds(IReadOnlyList<TranscriptEntry> transcript)
    {
        var times = transcript.Select(e => e.EndTime ?? e.StartTime).OfType<double>().ToList();
        return times.Count == 0 ? null : times.Max();
    }
}
