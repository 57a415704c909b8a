using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Metrics;

/// <summary>Combines an evaluation's fresh results with the call's earlier ones.</summary>
public static class MetricResults
{
    /// <summary>
    /// A full evaluation (<paramref name="only"/> null) replaces every result. A partial one (<c>evaluate_metrics</c>)
    /// replaces the results of the metrics in <paramref name="only"/> and keeps the rest in their order, appending
    /// the metrics that had no result before.
    /// </summary>
    public static IReadOnlyList<MetricResult> Merge(
        IReadOnlyList<MetricResult> earlier, IReadOnlyList<MetricResult> fresh, IReadOnlyList<long>? only)
    {
        if (only is null)
        {
            return fresh;
        }
        var wanted = only.ToHashSet();
        var replacements = fresh.Where(r => wanted.Contains(r.Id)).ToDictionary(r => r.Id);
        var merged = earlier.Select(r => replacements.Remove(r.Id, out var replacement) ? replacement : r).ToList();
        merged.AddRange(fresh.Where(r => replacements.ContainsKey(r.Id)));
        return merged;
    }
}
