using Cekura.Contracts.Calls;
using Cekura.Evaluation.Metrics.ToolCalls;

namespace Cekura.Evaluation.Tests.Metrics.ToolCalls;

public sealed class ToolCallSuccessMetricTests
{
    private static TranscriptEntry Result(string name, string result, bool? isError = null) => new()
    {
        Role = TranscriptRoles.FunctionCallResult, Content = "",
        Data = new FunctionCallData { Id = name, Name = name, Result = result, IsError = isError },
    };

    private static TranscriptEntry Call(string name) => new()
    {
        Role = TranscriptRoles.FunctionCall, Content = "", Data = new FunctionCallData { Id = name, Name = name, Arguments = "{}" },
    };

    [Fact]
    public void Hand_computed_call_fails_on_a_flagged_result_and_on_an_error_body()
    {
        // 5 results: "book" flagged, "slots" returns {"error": ...}; the other three succeed. 2 of 5 failed.
        var result = ToolCallSuccessMetric.Compute(
        [
            Call("book"), Result("book", "Booking failed", isError: true),
            Call("slots"), Result("slots", """{"error": "calendar timeout"}"""),
            Result("lookup", """{"error": null, "rows": 2}"""),
            Result("search", "no error found"),
            Result("weather", """{"result": "sunny"}""", isError: false),
        ]);

        Assert.False(result.Passed);
        Assert.Equal(5, result.Results);
        Assert.Equal(["book (flagged as an error)", "slots (result has an \"error\")"], result.Failed);
    }

    [Fact]
    public void Every_result_succeeding_passes() =>
        Assert.True(ToolCallSuccessMetric.Compute([Call("a"), Result("a", "ok", isError: false)]).Passed);

    [Fact]
    public void A_call_without_tools_passes()
    {
        var result = ToolCallSuccessMetric.Compute([Call("a")]);

        Assert.True(result.Passed);
        Assert.Equal(0, result.Results);
        Assert.Empty(result.Failed);
    }

    [Theory]
    [InlineData("""{"error": "x"}""", true)]
    [InlineData("""{"Error": {"code": 500}}""", true)]
    [InlineData("""  {"error": true}""", true)]
    [InlineData("""{"error": ""}""", false)]
    [InlineData("""{"error": false}""", false)]
    [InlineData("""{"error": null}""", false)]
    [InlineData("""[{"error": "x"}]""", false)]
    [InlineData("""{"error": "x" """, false)]
    [InlineData("error: calendar down", false)]
    [InlineData("", false)]
    public void Only_a_json_object_with_a_non_empty_error_member_is_an_error_body(string result, bool isError) =>
        Assert.Equal(isError, ToolCallSuccessMetric.HasErrorMember(result));
}
