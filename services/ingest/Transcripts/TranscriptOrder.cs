using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Transcripts;

public static class TranscriptOrder
{
    /// <summary>
    /// Stable sort by start time. An untimed entry sorts with the timed entry before it, so untimed turns keep
    /// their place relative to their neighbours.
    /// </summary>
    public static IReadOnlyList<TranscriptEntry> ByStartTime(IReadOnlyList<TranscriptEntry> entries)
    {
        var lastStart = double.NegativeInfinity;
        var keyed = new List<(double Key, TranscriptEntry Entry)>(entries.Count);
        foreach (var entry in entries)
        {
            lastStart = entry.StartTime ?? lastStart;
            keyed.Add((lastStart, entry));
        }
        return keyed.OrderBy(k => k.Key).Select(k => k.Entry).ToList();
    }
}
