using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.Interruptions;

namespace Cekura.Evaluation.Tests.Metrics.Interruptions;

public sealed class InterruptionMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    [Fact]
    public void Agent_starting_inside_a_caller_turn_is_the_ai_interrupting_the_user() =>
        Assert.Equal(new InterruptionResult(1, 0), InterruptionMetric.Compute([Caller(0, 5), Agent(3, 6)]));

    [Fact]
    public void Caller_starting_inside_an_agent_turn_is_the_user_interrupting_the_ai() =>
        Assert.Equal(new InterruptionResult(0, 1), InterruptionMetric.Compute([Agent(0, 5), Caller(4, 6)]));

    [Fact]
    public void Turn_starting_at_the_same_moment_as_the_other_party_counts_as_interrupting() =>
        Assert.Equal(new InterruptionResult(1, 0), InterruptionMetric.Compute([Caller(2, 5), Agent(2, 3)]));

    [Fact]
    public void Turn_starting_exactly_when_the_other_party_ends_is_not_an_interruption()
    {
        Assert.Equal(new InterruptionResult(0, 0), InterruptionMetric.Compute([Caller(0, 5), Agent(5, 7)]));
        Assert.Equal(new InterruptionResult(0, 0), InterruptionMetric.Compute([Agent(0, 5), Caller(5, 6)]));
    }

    [Fact]
    public void Turns_with_a_pause_between_them_are_not_interruptions() =>
        Assert.Equal(new InterruptionResult(0, 0), InterruptionMetric.Compute([Caller(0, 2), Agent(2.5, 4), Caller(4.5, 6), Agent(7, 8)]));

    [Fact]
    public void Back_to_back_own_turns_do_not_hide_an_overlap_with_the_other_party()
    {
        // The caller speaks in two consecutive turns; the agent cuts into the second one.
        Assert.Equal(new InterruptionResult(1, 0), InterruptionMetric.Compute([Caller(0, 5), Caller(5, 10), Agent(7, 8)]));
        // The agent speaks in two consecutive turns; the caller cuts into the second one.
        Assert.Equal(new InterruptionResult(0, 1), InterruptionMetric.Compute([Agent(0, 3), Agent(3, 6), Caller(4, 5)]));
    }

    [Fact]
    public void Overlapping_turns_of_the_same_speaker_are_not_interruptions() =>
        Assert.Equal(new InterruptionResult(0, 0), InterruptionMetric.Compute([Caller(0, 5), Caller(4, 6), Agent(6, 7), Agent(6.5, 8)]));

    [Fact]
    public void Both_directions_are_counted_over_a_call() =>
        Assert.Equal(new InterruptionResult(2, 1), InterruptionMetric.Compute(
        [
            Caller(0, 4), Agent(3, 6),     // agent cuts in
            Caller(5.5, 7),                // caller cuts in
            Agent(8, 9),
            Caller(10, 12), Agent(11, 13), // agent cuts in
            Caller(13, 14),                // touching: not an interruption
        ]));

    [Fact]
    public void No_turns_have_no_interruptions() =>
        Assert.Equal(new InterruptionResult(0, 0), InterruptionMetric.Compute([]));

    [Fact]
    public void A_short_own_turn_inside_a_long_one_does_not_hide_an_interruption()
    {
        // The caller speaks 0-10 s (with a short overlapping turn 2-3 s); the agent starting at 5 s interrupts.
        Assert.Equal(new InterruptionResult(1, 0), InterruptionMetric.Compute([Caller(0, 10), Caller(2, 3), Agent(5, 6)]));
    }
}
