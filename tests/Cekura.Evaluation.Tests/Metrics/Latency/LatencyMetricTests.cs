using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.Latency;

namespace Cekura.Evaluation.Tests.Metrics.Latency;

public sealed class LatencyMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    [Fact]
    public void Gap_from_caller_end_to_agent_start_is_one_sample_in_ms()
    {
        var result = LatencyMetric.Compute([Caller(0, 2), Agent(2.5, 4)]);

        Assert.Equal(new LatencyResult(1, 500, 500, 500, 500, 500), result);
    }

    [Fact]
    public void Each_caller_to_agent_handover_is_a_sample()
    {
        var result = LatencyMetric.Compute([Caller(0, 1), Agent(1.25, 3), Caller(3.5, 4), Agent(4.75, 6)]);

        Assert.Equal(2, result.Samples);
        Assert.Equal(500, result.MeanMs);
    }

    [Fact]
    public void Agent_reply_starting_exactly_when_the_caller_ends_is_a_zero_gap() =>
        Assert.Equal(new LatencyResult(1, 0, 0, 0, 0, 0), LatencyMetric.Compute([Caller(0, 2), Agent(2, 3)]));

    [Fact]
    public void Agent_turn_starting_before_the_caller_ended_is_an_interruption_not_a_latency() =>
        Assert.Equal(new LatencyResult(0, null, null, null, null, null), LatencyMetric.Compute([Caller(0, 2), Agent(1.5, 3)]));

    [Fact]
    public void Agent_turn_after_an_agent_turn_is_not_counted()
    {
        var result = LatencyMetric.Compute([Caller(0, 1), Agent(1.5, 2), Agent(4, 5)]);

        Assert.Equal(new LatencyResult(1, 500, 500, 500, 500, 500), result);
    }

    [Fact]
    public void Caller_turn_after_an_agent_turn_is_not_counted() =>
        Assert.Equal(0, LatencyMetric.Compute([Agent(0, 1), Caller(3, 4)]).Samples);

    [Fact]
    public void Gap_is_measured_from_the_latest_caller_turn() =>
        Assert.Equal(new LatencyResult(1, 250, 250, 250, 250, 250), LatencyMetric.Compute([Caller(0, 1), Caller(2, 3), Agent(3.25, 4)]));

    [Fact]
    public void Mean_and_percentiles_use_linear_interpolation_over_sorted_gaps()
    {
        // Gaps in order of the call: 1000, 100, 400, 300, 200 ms; sorted 100, 200, 300, 400, 1000.
        var result = LatencyMetric.Compute(
        [
            Caller(0, 1), Agent(2, 3),
            Caller(4, 5), Agent(5.1, 6),
            Caller(7, 8), Agent(8.4, 9),
            Caller(10, 11), Agent(11.3, 12),
            Caller(13, 14), Agent(14.2, 15),
        ]);

        Assert.Equal(5, result.Samples);
        Assert.Equal(400, result.MeanMs!.Value, precision: 6);
        Assert.Equal(300, result.P50Ms!.Value, precision: 6);
        Assert.Equal(760, result.P90Ms!.Value, precision: 6); // rank 0.9 * 4 = 3.6: 400 + 0.6 * (1000 - 400)
        Assert.Equal(880, result.P95Ms!.Value, precision: 6); // rank 0.95 * 4 = 3.8: 400 + 0.8 * 600
        Assert.Equal(976, result.P99Ms!.Value, precision: 6); // rank 0.99 * 4 = 3.96: 400 + 0.96 * 600
    }

    [Theory]
    [InlineData(0.5, 25)]   // rank 1.5
    [InlineData(0.9, 37)]   // rank 2.7
    [InlineData(0.0, 10)]
    [InlineData(1.0, 40)]
    [InlineData(0.25, 17.5)] // rank 0.75
    public void Percentile_interpolates_between_closest_ranks(double p, double expected) =>
        Assert.Equal(expected, LatencyMetric.Percentile([10, 20, 30, 40], p), precision: 9);

    [Fact]
    public void Percentile_of_one_value_is_that_value()
    {
        Assert.Equal(42, LatencyMetric.Percentile([42], 0.5));
        Assert.Equal(42, LatencyMetric.Percentile([42], 0.9));
    }

    [Fact]
    public void No_turns_give_no_samples_and_null_statistics() =>
        Assert.Equal(new LatencyResult(0, null, null, null, null, null), LatencyMetric.Compute([]));

    [Fact]
    public void Only_caller_turns_give_no_samples() =>
        Assert.Equal(new LatencyResult(0, null, null, null, null, null), LatencyMetric.Compute([Caller(0, 1), Caller(2, 3)]));
}
