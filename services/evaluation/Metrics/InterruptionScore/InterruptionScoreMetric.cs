using Cekura.Evaluation.Metrics.Interruptions;

namespace Cekura.Evaluation.Metrics.InterruptionScore;

/// <param name="Score">0..5, or null when there is no timed turn.</param>
public sealed record InterruptionScoreResult(double? Score, int Interruptions, int Turns);

public static class InterruptionScoreMetric
{
    /// <summary>
    /// <c>5 * (1 - interruptions / turns)</c> clamped to 0..5. Turns are speaker runs (consecutive turns of one party
    /// count once) rather than raw turns, so a recording whose voice activity splits one utterance into several
    /// segments scores the same as the transcript of that call.
    /// </summary>
    public static InterruptionScoreResult Compute(IReadOnlyList<SpeechTurn> turns)
    {
        var counts = InterruptionMetric.Compute(turns);
        var interruptions = counts.AiInterruptingUser + counts.UserInterruptingAi;
        var runs = SpeakerRuns(turns);
        if (runs == 0)
        {
            return new InterruptionScoreResult(null, interruptions, 0);
        }
        var score = Math.Clamp(5 * (1 - (double)interruptions / runs), 0, 5);
        return new InterruptionScoreResult(score, interruptions, runs);
    }

    /// <summary>Maximal runs of consecutive turns by one party, in start order.</summary>
    public static int SpeakerRuns(IReadOnlyList<SpeechTurn> turns) =>
        turns.Where((turn, i) => i == 0 || turn.IsAgent != turns[i - 1].IsAgent).Count();
}
