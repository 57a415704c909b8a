using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.TalkRatio;

namespace Cekura.Evaluation.Tests.Metrics.TalkRatio;

public sealed class TalkRatioMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    // Agent 1-4 and 3-5 overlap: their union is 1-5 = 4 s; plus 7-9 = 2 s; agent speaks 6 s. The caller's 5-6 s
    // does not count.
    private static readonly SpeechTurn[] Turns = [Agent(1, 4), Agent(3, 5), Caller(5, 6), Agent(7, 9)];

    [Fact]
    public void Hand_computed_ratio_divides_agent_speaking_time_by_the_calls_duration()
    {
        // 6 s / 20 s = 0.3.
        var result = TalkRatioMetric.Compute(Turns, callDurationSeconds: 20);

        Assert.Equal(0.3, result.Ratio!.Value, precision: 9);
        Assert.Equal(6, result.AgentSeconds, precision: 9);
        Assert.True(result.DurationFromCall);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    public void Unknown_duration_falls_back_to_the_last_turns_end(double? duration)
    {
        // 6 s / 9 s (the agent's 7-9 s turn ends last) = 0.6667.
        var result = TalkRatioMetric.Compute(Turns, duration);

        Assert.Equal(6.0 / 9, result.Ratio!.Value, precision: 9);
        Assert.Equal(9, result.DurationSeconds);
        Assert.False(result.DurationFromCall);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(30.0)]
    public void No_timed_turn_gives_no_ratio_even_with_a_known_duration(double? duration) =>
        Assert.Null(TalkRatioMetric.Compute([], duration).Ratio);

    [Fact]
    public void A_call_with_duration_where_the_agent_never_spoke_has_ratio_zero() =>
        Assert.Equal(0, TalkRatioMetric.Compute([Caller(0, 3)], 10).Ratio);
}
