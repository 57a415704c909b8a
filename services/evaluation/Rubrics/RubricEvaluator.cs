using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Rubrics;

/// <summary>Whether the call succeeded under the agent's rubric, and a sentence per rule saying why.</summary>
public sealed record RubricVerdict(bool Success, IReadOnlyList<string> Explanation);

/// <summary>Applies an agent's <see cref="Rubric"/> to a call's metric results (metrics.md, "Rubric and status").</summary>
public static class RubricEvaluator
{
    public static RubricVerdict Apply(Rubric? rubric, IReadOnlyList<MetricResult> metrics)
    {
        if (rubric is null || rubric.Rules.Count == 0)
        {
            return new RubricVerdict(true, ["No rubric: every call is a success."]);
        }
        var explanation = new List<string>();
        var outcomes = new List<bool>();
        foreach (var rule in rubric.Rules)
        {
            var result = metrics.FirstOrDefault(m => m.Id == rule.Metric);
            var actual = result is null ? null : Actual(result, rule.Value.ValueKind);
            if (actual is null)
            {
                explanation.Add($"Skipped: metric {rule.Metric} {rule.Operator} {rule.Value.GetRawText()} (the metric has no result).");
                continue;
            }
            var holds = Holds(actual.Value, rule.Operator, rule.Value);
            outcomes.Add(holds);
            explanation.Add($"{(holds ? "Met" : "Not met")}: {result!.Name} {rule.Operator} {rule.Value.GetRawText()} (was {actual.Value.GetRawText()}).");
        }
        var success = outcomes.Count == 0
            || (rubric.Operator == RubricOperators.Or ? outcomes.Any(o => o) : outcomes.All(o => o));
        if (outcomes.Count == 0)
        {
            explanation.Add("Every rule was skipped, so the call counts as a success.");
        }
        return new RubricVerdict(success, explanation);
    }

    /// <summary>The side of the result a rule of this value kind compares with, or null when the result has none.</summary>
    private static JsonElement? Actual(MetricResult result, JsonValueKind expected) => expected switch
    {
        JsonValueKind.Number => result.Score is { } score ? JsonSerializer.SerializeToElement(score) : null,
        JsonValueKind.True or JsonValueKind.False =>
            result.Value is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value : null,
        JsonValueKind.String => result.Enum is { } category ? JsonSerializer.SerializeToElement(category) : null,
        _ => null,
    };

    private static bool Holds(JsonElement actual, string comparison, JsonElement expected)
    {
        if (expected.ValueKind == JsonValueKind.Number)
        {
            var (a, b) = (actual.GetDouble(), expected.GetDouble());
            return comparison switch
            {
                "eq" => a == b,
                "neq" => a != b,
                "gt" => a > b,
                "gte" => a >= b,
                "lt" => a < b,
                "lte" => a <= b,
                _ => throw new ArgumentException($"unknown comparison '{comparison}'", nameof(comparison)),
            };
        }
        var equal = expected.ValueKind == JsonValueKind.String
            ? string.Equals(actual.GetString(), expected.GetString(), StringComparison.Ordinal)
            : actual.ValueKind == expected.ValueKind;
        return comparison switch
        {
            "eq" => equal,
            "neq" => !equal,
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"'{comparison}' compares numbers only"), nameof(comparison)),
        };
    }
}
