using Cekura.Contracts.Calls;
using Cekura.Evaluation.Metrics;

namespace Cekura.Evaluation.Tests.Metrics;

public sealed class MetricResultsTests
{
    private static MetricResult Result(long id, double score) => new() { Id = id, Name = $"m{id}", Type = "numeric", Score = score };

    [Fact]
    public void A_full_evaluation_replaces_every_result()
    {
        var fresh = new[] { Result(2, 20) };
        Assert.Same(fresh, MetricResults.Merge([Result(1, 1), Result(2, 2)], fresh, only: null));
    }

    [Fact]
    public void A_partial_evaluation_replaces_only_its_metrics_in_place_and_appends_new_ones()
    {
        var merged = MetricResults.Merge(
            [Result(1, 1), Result(2, 2), Result(3, 3)],
            [Result(1, 10), Result(2, 20), Result(3, 30), Result(9, 90)],
            only: [3, 9]);

        Assert.Equal([1L, 2L, 3L, 9L], merged.Select(r => r.Id));
        Assert.Equal([1.0, 2.0, 30.0, 90.0], merged.Select(r => r.Score!.Value));
    }
}
