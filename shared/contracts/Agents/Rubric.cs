using System.Text.Json;

namespace Cekura.Contracts.Agents;

/// <summary>
/// How an agent's calls are judged: rules on metric results, combined with <c>and</c> or <c>or</c>. Only metrics
/// with a rule affect <c>success</c>; a rule whose metric has no result is skipped; with every rule skipped the call
/// is a success.
/// </summary>
public sealed record Rubric
{
    /// <summary><c>and</c> (every applied rule holds) or <c>or</c> (at least one does).</summary>
    public string Operator { get; init; } = RubricOperators.And;

    public IReadOnlyList<RubricRule> Rules { get; init; } = [];
}

/// <summary>
/// One rule: the result of <see cref="Metric"/> compared with <see cref="Value"/>. A number compares with the
/// metric's score (binary metrics score 1 or 0), <c>true</c>/<c>false</c> with a binary metric's value, a string with an
/// enum metric's category; booleans and strings allow only <c>eq</c>/<c>neq</c>.
/// </summary>
public sealed record RubricRule
{
    public required long Metric { get; init; }

    /// <summary><c>eq, neq, gt, gte, lt, lte</c>.</summary>
    public required string Operator { get; init; }

    public required JsonElement Value { get; init; }
}

public static class RubricOperators
{
    public const string And = "and";
    public const string Or = "or";

    public static readonly IReadOnlyList<string> Comparisons = ["eq", "neq", "gt", "gte", "lt", "lte"];
}
