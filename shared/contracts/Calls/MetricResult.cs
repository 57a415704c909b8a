using System.Text.Json;

namespace Cekura.Contracts.Calls;

/// <summary>One evaluated metric, in the shape of Cekura's <c>evaluation.metrics</c> entries.</summary>
public sealed record MetricResult
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public double? Score { get; init; }
    public string? Enum { get; init; }
    public JsonElement? Value { get; init; }
    public IReadOnlyList<string> Explanation { get; init; } = [];
    public IReadOnlyDictionary<string, JsonElement> Extra { get; init; } = new Dictionary<string, JsonElement>();
}
