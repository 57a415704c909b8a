using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.InfrastructureIssues;

namespace Cekura.Evaluation.Tests.Metrics.InfrastructureIssues;

public sealed class InfrastructureIssuesMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    [Fact]
    public void Hand_computed_caller_left_unanswered_longer_than_the_timeout_fails()
    {
        // Silences after the caller: 1-1.5 (0.5 s), 5-16 (11 s: the caller says "hello?" again at 16), 17-17.5 (0.5 s).
        // The 3-4 s silence follows the agent and is not a wait. 11 > 10: fails.
        SpeechTurn[] turns = [Caller(0, 1), Agent(1.5, 3), Caller(4, 5), Caller(16, 17), Agent(17.5, 18)];

        var result = InfrastructureIssuesMetric.Compute(turns, callEnd: null, timeoutSeconds: 10);

        Assert.False(result.Passed);
        Assert.Equal(1, result.OverTimeout);
        Assert.Equal((5.0, 16.0), (result.LongestWait!.Value.Start, result.LongestWait.Value.End));
        Assert.True(InfrastructureIssuesMetric.Compute(turns, null, timeoutSeconds: 12).Passed);
    }

    [Fact]
    public void Caller_left_unanswered_until_the_end_of_the_call_fails_when_the_end_is_known()
    {
        // The caller stops at 5 s, the call ends at 20: a 15 s trailing wait.
        SpeechTurn[] turns = [Caller(0, 1), Agent(1.5, 3), Caller(4, 5)];

        var known = InfrastructureIssuesMetric.Compute(turns, callEnd: 20, timeoutSeconds: 10);

        Assert.False(known.Passed);
        Assert.True(known.LongestWait!.Value.Trailing);
        Assert.Equal(15, known.LongestWait.Value.Length, precision: 9);
        Assert.True(InfrastructureIssuesMetric.Compute(turns, callEnd: null, timeoutSeconds: 10).Passed);
    }

    [Fact]
    public void Silence_after_the_agent_spoke_last_is_no_wait() =>
        Assert.True(InfrastructureIssuesMetric.Compute([Caller(0, 1), Agent(1.5, 5)], callEnd: 30, timeoutSeconds: 10).Passed);

    [Fact]
    public void A_caller_talking_across_a_short_pause_is_not_waiting()
    {
        // 5-5.2 is a 0.2 s pause inside the caller's speech; the agent answers 1 s after the caller's 25 s end.
        var result = InfrastructureIssuesMetric.Compute([Caller(0, 5), Caller(5.2, 25), Agent(26, 27)], null, 10);

        Assert.True(result.Passed);
        Assert.Equal(1, result.LongestWait!.Value.Length, precision: 9);
    }

    [Fact]
    public void Both_parties_stopping_together_is_not_an_unanswered_caller() =>
        Assert.True(InfrastructureIssuesMetric.Compute([Caller(0, 2), Agent(1, 2), Caller(15, 16), Agent(16.5, 17)], null, 10).Passed);
}
