namespace Cekura.Evaluation.Metrics.Latency;

/// <summary>Response latency of the agent, in milliseconds.</summary>
public sealed record LatencyResult(int Samples, double? MeanMs, double? P50Ms, double? P90Ms, double? P95Ms, double? P99Ms);

public static class LatencyMetric
{
    /// <summary>
    /// For each agent turn that follows a caller turn and starts after it ended, the gap from the caller's end to
    /// the agent's start. An agent turn that starts before the caller finished is an interruption, not a latency.
    /// </summary>
    public static LatencyResult Compute(IReadOnlyList<SpeechTurn> turns)
    {
        var gaps = new List<double>();
        for (var i = 1; i < turns.Count; i++)
        {
            var (previous, current) = (turns[i - 1], turns[i]);
            if (current.IsAgent && !previous.IsAgent && current.Start >= previous.End)
            {
                gaps.Add((current.Start - previous.End) * 1000);
            }
        }
        if (gaps.Count == 0)
        {
            return new LatencyResult(0, null, null, null, null, null);
        }
        gaps.Sort();
        return new LatencyResult(gaps.Count, gaps.Average(), Percentile(gaps, 0.50), Percentile(gaps, 0.90),
            Percentile(gaps, 0.95), Percentile(gaps, 0.99));
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default), over sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
