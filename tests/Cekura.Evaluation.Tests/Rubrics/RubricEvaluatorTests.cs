using System.Text.Json;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Calls;
using Cekura.Evaluation.Rubrics;

namespace Cekura.Evaluation.Tests.Rubrics;

public sealed class RubricEvaluatorTests
{
    private static readonly IReadOnlyList<MetricResult> Metrics =
    [
        new() { Id = 1, Name = "Latency", Type = "numeric", Score = 1530 },
        new() { Id = 9, Name = "Silence Detection", Type = "binary", Score = 1, Value = JsonSerializer.SerializeToElement(true) },
        new() { Id = 12, Name = "Call End Reason", Type = "enum", Enum = "customer_ended" },
        new() { Id = 5, Name = "Stop Time After User Interruption", Type = "numeric" }, // not evaluated: no score
    ];

    private static RubricRule Rule(long metric, string op, object value) =>
        new() { Metric = metric, Operator = op, Value = JsonSerializer.SerializeToElement(value) };

    [Fact]
    public void Without_a_rubric_every_call_succeeds() =>
        Assert.True(RubricEvaluator.Apply(null, Metrics).Success);

    [Theory]
    [InlineData("lte", 2000, true)]
    [InlineData("lte", 1000, false)]
    [InlineData("gt", 1530, false)]
    [InlineData("gte", 1530, true)]
    [InlineData("eq", 1530, true)]
    [InlineData("neq", 1530, false)]
    [InlineData("lt", 1531, true)]
    public void A_numeric_rule_compares_the_score(string op, double value, bool success) =>
        Assert.Equal(success, RubricEvaluator.Apply(new Rubric { Rules = [Rule(1, op, value)] }, Metrics).Success);

    [Fact]
    public void Binary_and_enum_rules_compare_the_value_and_the_category()
    {
        Assert.True(RubricEvaluator.Apply(new Rubric { Rules = [Rule(9, "eq", true), Rule(12, "eq", "customer_ended")] }, Metrics).Success);
        Assert.False(RubricEvaluator.Apply(new Rubric { Rules = [Rule(9, "eq", false)] }, Metrics).Success);
        Assert.False(RubricEvaluator.Apply(new Rubric { Rules = [Rule(12, "neq", "customer_ended")] }, Metrics).Success);
    }

    [Fact]
    public void And_needs_every_applied_rule_and_or_needs_one()
    {
        IReadOnlyList<RubricRule> rules = [Rule(1, "lte", 1000), Rule(9, "eq", true)];

        Assert.False(RubricEvaluator.Apply(new Rubric { Operator = "and", Rules = rules }, Metrics).Success);
        Assert.True(RubricEvaluator.Apply(new Rubric { Operator = "or", Rules = rules }, Metrics).Success);
    }

    [Fact]
    public void Rules_whose_metric_has_no_result_are_skipped_and_all_skipped_is_a_success()
    {
        var skippedOnly = RubricEvaluator.Apply(new Rubric { Rules = [Rule(5, "lt", 500), Rule(42, "gt", 0)] }, Metrics);
        var oneApplied = RubricEvaluator.Apply(new Rubric { Rules = [Rule(5, "lt", 500), Rule(1, "lte", 1000)] }, Metrics);

        Assert.True(skippedOnly.Success);
        Assert.Equal("Every rule was skipped, so the call counts as a success.", skippedOnly.Explanation[^1]);
        Assert.False(oneApplied.Success);
        Assert.Equal(["Skipped: metric 5 lt 500 (the metric has no result).", "Not met: Latency lte 1000 (was 1530)."], oneApplied.Explanation);
    }
}
