namespace Cekura.Evaluation.Metrics.TalkRatio;

/// <param name="DurationFromCall">True when the duration is the call's own; false when it is the last turn's end.</param>
public sealed record TalkRatioResult(double? Ratio, double AgentSeconds, double DurationSeconds, bool DurationFromCall);

public static class TalkRatioMetric
{
    /// <summary>
    /// Agent speaking seconds (the union of the agent's turns, so overlapping segments count once) over the call's
    /// duration. The call's own duration is preferred: the last turn's end leaves out trailing silence and would
    /// overstate the agent's share. No timed turn gives no ratio, even when the duration is known.
    /// </summary>
    public static TalkRatioResult Compute(IReadOnlyList<SpeechTurn> turns, double? callDurationSeconds)
    {
        var agentSeconds = SpeechTurns.Union(turns.Where(t => t.IsAgent)).Sum(s => s.Length);
        var fromCall = callDurationSeconds is > 0;
        var duration = fromCall ? callDurationSeconds!.Value : turns.Count == 0 ? 0 : turns.Max(t => t.End);
        // Without any timed turn the agent's speaking time is unknown, not zero.
        var ratio = turns.Count > 0 && duration > 0 ? agentSeconds / duration : (double?)null;
        return new TalkRatioResult(ratio, agentSeconds, duration, fromCall);
    }
}
