namespace Cekura.Evaluation.Metrics.InfrastructureIssues;

/// <param name="Passed">False when the agent left the caller unanswered too long; null when there is no timed turn.</param>
/// <param name="LongestWait">The longest silence that followed the caller's speech, if any.</param>
public sealed record InfrastructureIssuesResult(bool? Passed, MutualSilence? LongestWait, int OverTimeout);

public static class InfrastructureIssuesMetric
{
    /// <summary>
    /// A silence that starts when the caller's speech ends (the caller spoke last) and lasts longer than the timeout:
    /// the agent owed a reply and nobody spoke. This includes a caller who speaks again into the silence ("hello?")
    /// and, when the call's end is known, a caller left unanswered until the call ends; a caller who keeps talking
    /// across a short pause is not waiting. A wait of exactly the timeout passes.
    /// </summary>
    public static InfrastructureIssuesResult Compute(IReadOnlyList<SpeechTurn> turns, double? callEnd, double timeoutSeconds)
    {
        if (turns.Count == 0)
        {
            return new InfrastructureIssuesResult(null, null, 0);
        }
        var waits = SpeechTurns.Silences(turns, callEnd).Where(s => s.AfterCaller).ToList();
        var longest = waits.Count == 0 ? (MutualSilence?)null : waits.MaxBy(w => w.Length);
        var over = waits.Count(w => w.Length > timeoutSeconds);
        return new InfrastructureIssuesResult(over == 0, longest, over);
    }
}
