using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.StopTime;

namespace Cekura.Evaluation.Tests.Metrics.StopTime;

public sealed class StopTimeMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    [Fact]
    public void Hand_computed_stop_times_average_the_agent_speech_left_after_each_caller_cut_in()
    {
        // Caller cuts in at 4 s, agent speaks until 5: 1000 ms. Caller cuts in at 8.5 s, agent until 9: 500 ms.
        // The caller at 10.2 s starts after the agent stopped: not a sample. Mean (1000 + 500) / 2 = 750, max 1000.
        var result = StopTimeMetric.Compute(
            [Agent(0, 5), Caller(4, 4.5), Agent(6, 9), Caller(8.5, 10), Caller(10.2, 11)]);

        Assert.Equal(2, result.Samples);
        Assert.Equal(750, result.MeanMs!.Value, precision: 6);
        Assert.Equal(1000, result.MaxMs!.Value, precision: 6);
    }

    [Fact]
    public void Agent_speech_under_way_is_the_latest_end_of_its_earlier_turns()
    {
        // The agent's 0-6 s turn still runs when its 1-2 s turn has ended: the caller at 3 s waits 3000 ms.
        var result = StopTimeMetric.Compute([Agent(0, 6), Agent(1, 2), Caller(3, 4)]);

        Assert.Equal(3000, result.MeanMs!.Value, precision: 6);
    }

    [Fact]
    public void Caller_starting_when_the_agent_ends_is_no_sample() =>
        Assert.Equal(new StopTimeResult(0, null, null), StopTimeMetric.Compute([Agent(0, 5), Caller(5, 6)]));
}
