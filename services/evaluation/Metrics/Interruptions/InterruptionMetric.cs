namespace Cekura.Evaluation.Metrics.Interruptions;

public sealed record InterruptionResult(int AiInterruptingUser, int UserInterruptingAi);

public static class InterruptionMetric
{
    /// <summary>
    /// A turn interrupts when it starts while the other party is still speaking: before the latest end of any of
    /// the other party's earlier turns (turns are in start order), so a speaker's own overlapping or back-to-back
    /// turns cannot hide an overlap. Touching turns (start == end) are not interruptions.
    /// </summary>
    public static InterruptionResult Compute(IReadOnlyList<SpeechTurn> turns)
    {
        int aiInterrupting = 0, userInterrupting = 0;
        double agentSpeaksUntil = double.NegativeInfinity, userSpeaksUntil = double.NegativeInfinity;
        foreach (var turn in turns)
        {
            if (turn.IsAgent)
            {
                aiInterrupting += turn.Start < userSpeaksUntil ? 1 : 0;
                agentSpeaksUntil = Math.Max(agentSpeaksUntil, turn.End);
            }
            else
            {
                userInterrupting += turn.Start < agentSpeaksUntil ? 1 : 0;
                userSpeaksUntil = Math.Max(userSpeaksUntil, turn.End);
            }
        }
        return new InterruptionResult(aiInterrupting, userInterrupting);
    }
}
