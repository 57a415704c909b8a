namespace Cekura.Evaluation.Metrics.Interruptions;

public sealed record InterruptionResult(int AiInterruptingUser, int UserInterruptingAi);

public static class InterruptionMetric
{
    /// <summary>
    /// A turn interrupts when it starts while the other party's latest turn is still going. Overlap is judged
    /// against the other party's most recent turn, not only the previous entry, because a speaker's own
    /// back-to-back turns must not hide an overlap.
    /// </summary>
    public static InterruptionResult Compute(IReadOnlyList<SpeechTurn> turns)
    {
        int aiInterrupting = 0, userInterrupting = 0;
        SpeechTurn? lastAgent = null, lastUser = null;
        foreach (var turn in turns)
        {
            var other = turn.IsAgent ? lastUser : lastAgent;
            if (other is { } o && turn.Start < o.End && turn.Start >= o.Start)
            {
                if (turn.IsAgent)
                {
                    aiInterrupting++;
                }
                else
                {
                    userInterrupting++;
                }
            }
            if (turn.IsAgent)
            {
                lastAgent = turn;
            }
            else
            {
                lastUser = turn;
            }
        }
        return new InterruptionResult(aiInterrupting, userInterrupting);
    }
}
