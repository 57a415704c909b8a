using Cekura.Evaluation.CustomCode;

namespace Cekura.Evaluation.Tests.CustomCode;

/// <summary>A <c>_result</c> that does not fit the metric's eval_type is "not evaluated", never coerced.</summary>
public sealed class InvalidResultTests : IDisposable
{
    private readonly CustomCodeRunner _runner = new(new CustomCodeOptions());

    public void Dispose() => _runner.Dispose();

    private const string BinaryNeeds = "a binary metric needs true or false";
    private const string NumericNeeds = "a numeric metric needs a finite number";
    private const string QualitativeNeeds = "a continuous_qualitative metric needs a number from 0 to 100";
    private const string EnumNeeds = "an enum metric needs one of \"gold\", \"silver\"";

    [Theory]
    [InlineData(CustomCodeEvalTypes.Binary, "1", "1", BinaryNeeds)]
    [InlineData(CustomCodeEvalTypes.Binary, "'true'", "\"true\"", BinaryNeeds)]
    [InlineData(CustomCodeEvalTypes.Binary, "'yes'", "\"yes\"", BinaryNeeds)]
    [InlineData(CustomCodeEvalTypes.Binary, "null", "null", BinaryNeeds)]
    [InlineData(CustomCodeEvalTypes.Binary, "new Boolean(true)", "an object", BinaryNeeds)]
    [InlineData(CustomCodeEvalTypes.Binary, "[true]", "an array", BinaryNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "'5'", "\"5\"", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "NaN", "NaN", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "1 / 0", "Infinity", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "-Infinity", "-Infinity", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "true", "true", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "10n", "10n", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "{ score: 3 }", "an object", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "() => 3", "a function", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.Numeric, "Symbol('s')", "a symbol", NumericNeeds)]
    [InlineData(CustomCodeEvalTypes.ContinuousQualitative, "100.5", "100.5", QualitativeNeeds)]
    [InlineData(CustomCodeEvalTypes.ContinuousQualitative, "-1", "-1", QualitativeNeeds)]
    [InlineData(CustomCodeEvalTypes.ContinuousQualitative, "'50'", "\"50\"", QualitativeNeeds)]
    [InlineData(CustomCodeEvalTypes.ContinuousQualitative, "NaN", "NaN", QualitativeNeeds)]
    [InlineData(CustomCodeEvalTypes.Enum, "'bronze'", "\"bronze\"", EnumNeeds)]
    [InlineData(CustomCodeEvalTypes.Enum, "'Gold'", "\"Gold\"", EnumNeeds)]
    [InlineData(CustomCodeEvalTypes.Enum, "1", "1", EnumNeeds)]
    [InlineData(CustomCodeEvalTypes.Enum, "['gold']", "an array", EnumNeeds)]
    public async Task Wrong_result_type_is_not_evaluated_with_what_was_set_and_what_is_needed(string evalType, string value, string shown, string needs)
    {
        var outcome = await _runner.RunAsync(
            SampleCall.Request($"_result = {value}; _explanation = 'why';", evalType, ["gold", "silver"]), CancellationToken.None);

        Assert.False(outcome.Evaluated);
        Assert.Equal(CustomCodeFailure.InvalidResult, outcome.Failure);
        Assert.Equal($"custom code set _result to {shown}; {needs}", outcome.Error);
        Assert.Null(outcome.Score);
        Assert.Null(outcome.Value);
        Assert.Null(outcome.Enum);
        Assert.Equal(["why"], outcome.Explanation);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(100.0)]
    [InlineData(42.5)]
    public async Task Continuous_qualitative_accepts_both_ends_of_its_range(double value)
    {
        var outcome = await _runner.RunAsync(
            SampleCall.Request(FormattableString.Invariant($"_result = {value};"), CustomCodeEvalTypes.ContinuousQualitative), CancellationToken.None);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(value, outcome.Score);
    }

    [Fact]
    public async Task A_long_string_result_is_shown_shortened()
    {
        var outcome = await _runner.RunAsync(SampleCall.Request("_result = 'a'.repeat(100);", CustomCodeEvalTypes.Binary), CancellationToken.None);

        Assert.Equal($"custom code set _result to \"{new string('a', 60)}…\"; {BinaryNeeds}", outcome.Error);
    }

    [Theory]
    [InlineData(CustomCodeEvalTypes.Binary, "_explanation = 'nothing decided';")]
    [InlineData(CustomCodeEvalTypes.Numeric, "const result = 5; _explanation = 'nothing decided';")]
    [InlineData(CustomCodeEvalTypes.Enum, "_result = undefined; _explanation = 'nothing decided';")]
    public async Task Missing_result_is_not_evaluated_and_keeps_the_explanation(string evalType, string code)
    {
        var outcome = await _runner.RunAsync(SampleCall.Request(code, evalType, ["gold"]), CancellationToken.None);

        Assert.Equal(CustomCodeFailure.MissingResult, outcome.Failure);
        Assert.Equal("custom code did not set _result", outcome.Error);
        Assert.Equal(["nothing decided"], outcome.Explanation);
    }

    [Fact]
    public async Task Enum_metric_without_values_says_so()
    {
        var outcome = await _runner.RunAsync(SampleCall.Request("_result = 'gold';", CustomCodeEvalTypes.Enum, []), CancellationToken.None);

        Assert.Equal("custom code set _result to \"gold\"; an enum metric needs one of its enum values, and this metric has none", outcome.Error);
    }

    [Fact]
    public async Task Unknown_eval_type_is_not_run()
    {
        var outcome = await _runner.RunAsync(SampleCall.Request("_result = 1;", "percentage"), CancellationToken.None);

        Assert.Equal(CustomCodeFailure.InvalidRequest, outcome.Failure);
        Assert.Equal("a custom_code metric's eval_type is binary, numeric, continuous_qualitative or enum, not \"percentage\"", outcome.Error);
    }

    [Fact]
    public async Task Data_that_is_not_json_is_reported_as_such()
    {
        var outcome = await _runner.RunAsync(new CustomCodeRequest("_result = 1;", CustomCodeEvalTypes.Numeric, [], "{not json"), CancellationToken.None);

        Assert.Equal(CustomCodeFailure.InvalidRequest, outcome.Failure);
        Assert.StartsWith("the call's data is not valid JSON (", outcome.Error);
    }
}
