namespace Cekura.Evaluation.Metrics.SilenceDetection;

/// <param name="Passed">False when a silence is longer than the threshold; null when there is no timed turn.</param>
/// <param name="Longest">The longest silence between speech, if any.</param>
/// <param name="OverThreshold">How many silences are longer than the threshold.</param>
public sealed record SilenceDetectionResult(bool? Passed, MutualSilence? Longest, int OverThreshold);

public static class SilenceDetectionMetric
{
    /// <summary>
    /// Mutual silence between the first and the last speech of the call. Leading silence (ringing, connecting) and
    /// trailing silence (after the goodbye, before the hang-up) are not conversation; an agent that never answers
    /// the caller at the end is Infrastructure Issues' concern. A silence of exactly the threshold passes.
    /// </summary>
    public static SilenceDetectionResult Compute(IReadOnlyList<SpeechTurn> turns, double thresholdSeconds)
    {
        if (turns.Count == 0)
        {
            return new SilenceDetectionResult(null, null, 0);
        }
        var gaps = SpeechTurns.Silences(turns, callEnd: null);
        var longest = gaps.Count == 0 ? (MutualSilence?)null : gaps.MaxBy(g => g.Length);
        var over = gaps.Count(g => g.Length > thresholdSeconds);
        return new SilenceDetectionResult(over == 0, longest, over);
    }
}
