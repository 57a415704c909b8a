namespace Cekura.LoadGenerator.Measuring;

/// <summary>End-to-end figures of one phase's accepted calls, computed from their completion times.</summary>
public sealed class ChainStatistics(IReadOnlyList<TrackedCall> calls)
{
    public int Calls => calls.Count;
    public int Evaluated => calls.Count(c => c.EvaluatedAt is not null);

    /// <summary>Where the calls that were not evaluated stopped (processing_stage), e.g. failed: 2.</summary>
    public IReadOnlyDictionary<string, int> Left => calls.Where(c => c.EvaluatedAt is null)
        .GroupBy(c => c.LeftAt ?? "unknown").ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Seconds from when each call was due to be sent until it was evaluated.</summary>
    public Percentiles CompletionSeconds(bool? withRecording = null) => new(calls
        .Where(c => c.EvaluatedAt is not null && (withRecording is null || c.Call.HasRecording == withRecording))
        .Select(c => (c.EvaluatedAt!.Value - c.Call.SentAt).TotalSeconds));

    /// <summary>
    /// Calls per second through a stage: completions between the first and the last one of this phase. When calls
    /// arrive faster than the stage can take them this is the stage's capacity; otherwise it is the arrival rate.
    /// </summary>
    public static double Throughput(IEnumerable<DateTimeOffset?> completions)
    {
        var times = completions.Where(t => t is not null).Select(t => t!.Value).Order().ToList();
        if (times.Count < 2) return double.NaN;
        var seconds = (times[^1] - times[0]).TotalSeconds;
        return seconds > 0 ? (times.Count - 1) / seconds : double.NaN;
    }

    public double TranscribedPerSecond => Throughput(calls.Select(c => c.TranscribedAt));
    public double EvaluatedPerSecond => Throughput(calls.Select(c => c.EvaluatedAt));

    /// <summary>
    /// Calls without a recording that had been sent by <paramref name="at"/> and were not evaluated yet at that time:
    /// a chain that keeps up holds this near (arrival rate × completion time); a growing one does not keep up.
    /// </summary>
    public int TranscriptOnlyBacklog(DateTimeOffset at) => calls.Count(c =>
        !c.Call.HasRecording && c.Call.SentAt <= at && (c.EvaluatedAt is null || c.EvaluatedAt > at));
}
