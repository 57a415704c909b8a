using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.SilenceDetection;

namespace Cekura.Evaluation.Tests.Metrics.SilenceDetection;

public sealed class SilenceDetectionMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    // Gaps: 1-2 (1 s), 5 = 5 (touching, none), 6-17 (11 s).
    private static readonly SpeechTurn[] Turns = [Caller(0, 1), Agent(2, 5), Caller(5, 6), Agent(17, 18)];

    [Fact]
    public void Hand_computed_silence_longer_than_the_threshold_fails()
    {
        var result = SilenceDetectionMetric.Compute(Turns, thresholdSeconds: 10);

        Assert.False(result.Passed);
        Assert.Equal(1, result.OverThreshold);
        Assert.Equal((6.0, 17.0), (result.Longest!.Value.Start, result.Longest.Value.End));
    }

    [Fact]
    public void The_same_silence_passes_a_higher_threshold() =>
        Assert.True(SilenceDetectionMetric.Compute(Turns, thresholdSeconds: 12).Passed);

    [Fact]
    public void A_silence_of_exactly_the_threshold_passes() =>
        Assert.True(SilenceDetectionMetric.Compute([Caller(0, 1), Agent(11, 12)], 10).Passed);

    [Fact]
    public void Leading_silence_before_the_first_speech_is_not_counted()
    {
        // 15 s before anyone speaks; the only gap between speech is 16-16.5.
        var result = SilenceDetectionMetric.Compute([Caller(15, 16), Agent(16.5, 17)], 10);

        Assert.True(result.Passed);
        Assert.Equal(0.5, result.Longest!.Value.Length, precision: 9);
    }

    [Fact]
    public void Silence_is_mutual_so_overlapping_speech_covers_the_gap()
    {
        // The caller's 2-3 s falls inside the agent's 0-10 s: the only silence is 10-12, not 3-12.
        var result = SilenceDetectionMetric.Compute([Agent(0, 10), Caller(2, 3), Agent(12, 13)], 5);

        Assert.True(result.Passed);
        Assert.Equal(2, result.Longest!.Value.Length, precision: 9);
    }

    [Fact]
    public void No_timed_turn_is_not_evaluated() =>
        Assert.Null(SilenceDetectionMetric.Compute([], 10).Passed);
}
