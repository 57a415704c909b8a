using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.InterruptionScore;

namespace Cekura.Evaluation.Tests.Metrics.InterruptionScore;

public sealed class InterruptionScoreMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    [Fact]
    public void Hand_computed_call_scores_five_times_one_minus_interruptions_over_speaker_runs()
    {
        // Runs: caller | agent | caller | agent, agent | caller = 5.
        // Interruptions: the agent at 1.5 s (caller speaks until 2) and the caller at 3 s (agent speaks until 4) = 2.
        // 5 * (1 - 2 / 5) = 3.
        var result = InterruptionScoreMetric.Compute(
            [Caller(0, 2), Agent(1.5, 4), Caller(3, 5), Agent(5.5, 7), Agent(7.2, 8), Caller(9, 10)]);

        Assert.Equal(new InterruptionScoreResult(3, 2, 5), result);
    }

    [Fact]
    public void More_interruptions_than_speaker_runs_clamp_to_zero()
    {
        // Runs: agent | caller, caller, caller = 2; each caller turn starts inside the agent's 0-10 s: 3.
        // 5 * (1 - 3 / 2) = -2.5, clamped to 0.
        var result = InterruptionScoreMetric.Compute([Agent(0, 10), Caller(1, 2), Caller(3, 4), Caller(5, 6)]);

        Assert.Equal(new InterruptionScoreResult(0, 3, 2), result);
    }

    [Fact]
    public void An_utterance_split_into_segments_scores_as_one_run()
    {
        // 1 interruption over 2 runs either way: 5 * (1 - 1/2) = 2.5.
        var whole = InterruptionScoreMetric.Compute([Caller(0, 2), Agent(1.5, 3)]);
        var split = InterruptionScoreMetric.Compute([Caller(0, 2), Agent(1.5, 2.2), Agent(2.4, 3)]);

        Assert.Equal(2.5, whole.Score);
        Assert.Equal(whole, split);
    }

    [Fact]
    public void A_call_without_interruptions_scores_five() =>
        Assert.Equal(5, InterruptionScoreMetric.Compute([Caller(0, 1), Agent(1.5, 2)]).Score);

    [Fact]
    public void No_timed_turn_gives_no_score() =>
        Assert.Equal(new InterruptionScoreResult(null, 0, 0), InterruptionScoreMetric.Compute([]));
}
