using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.Monologue;

namespace Cekura.Evaluation.Tests.Metrics.Monologue;

public sealed class LongestMonologueMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    [Fact]
    public void Hand_computed_longest_run_merges_consecutive_agent_turns_until_the_caller_speaks()
    {
        // Runs: 0-3 + 3.5-6 = 0..6 (6 s); 7-8 (1 s); 9-12 broken by the caller's 10 s "uh-huh" (3 s); 12.2-13 (0.8 s).
        var result = LongestMonologueMetric.Compute(
        [
            Agent(0, 3), Agent(3.5, 6), Caller(6.5, 7), Agent(7, 8), Caller(8, 9),
            Agent(9, 12), Caller(10, 10.5), Agent(12.2, 13),
        ]);

        Assert.Equal(new LongestMonologueResult(6, 0, 6), result);
    }

    [Fact]
    public void A_run_ends_at_its_latest_end_not_its_last_turns_end() =>
        Assert.Equal(new LongestMonologueResult(5, 0, 5), LongestMonologueMetric.Compute([Agent(0, 5), Agent(1, 3)]));

    [Fact]
    public void No_agent_turn_gives_no_monologue() =>
        Assert.Equal(new LongestMonologueResult(null, null, null), LongestMonologueMetric.Compute([Caller(0, 9)]));
}
