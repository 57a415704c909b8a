namespace Cekura.Evaluation.Metrics.Monologue;

/// <param name="Seconds">Null when the agent has no timed turn.</param>
public sealed record LongestMonologueResult(double? Seconds, double? Start, double? End);

public static class LongestMonologueMetric
{
    /// <summary>
    /// Runs of consecutive agent turns (in start order) with no caller turn between them are one monologue, from the
    /// run's first start to its latest end: a pause inside a speech, or a voice-activity split, does not end it. Any
    /// caller turn, even a short "uh-huh" over the agent, does.
    /// </summary>
    public static LongestMonologueResult Compute(IReadOnlyList<SpeechTurn> turns)
    {
        LongestMonologueResult best = new(null, null, null);
        double? runStart = null;
        var runEnd = 0.0;
        foreach (var turn in turns)
        {
            if (!turn.IsAgent)
            {
                runStart = null;
                continue;
            }
            runEnd = runStart is null ? turn.End : Math.Max(runEnd, turn.End);
            runStart ??= turn.Start;
            if (best.Seconds is null || runEnd - runStart.Value > best.Seconds)
            {
                best = new LongestMonologueResult(runEnd - runStart.Value, runStart, runEnd);
            }
        }
        return best;
    }
}
