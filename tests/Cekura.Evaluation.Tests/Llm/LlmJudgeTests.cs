using System.Text.Json;
using Cekura.Evaluation.Llm.Judge;
using Cekura.TestSupport.Protocols;

namespace Cekura.Evaluation.Tests.Llm;

/// <summary>The judge against a local server that speaks the chat-completions protocol.</summary>
public sealed class LlmJudgeTests
{
    private const string Criterion =
        "The agent works under this brief: {{agent_description}}\nThe customer's tier is {{metadata.crm.tier}}. "
        + "Did the agent confirm the new appointment time with {{customer_name}} before ending the call?";

    private static JudgeRequest Request(string evalType, string criterion = Criterion, params string[] enumValues) =>
        new("Confirms new time", criterion, evalType, enumValues);

    [Fact]
    public async Task A_binary_metric_sends_the_rendered_criterion_the_transcript_and_a_boolean_schema()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new
        {
            explanation = "At 00:18 the agent told Maria the cleaning was moved to Friday at 10 AM.",
            result = true,
        }));
        using var llm = LlmServices.For(server.BaseUrl + "/v1");

        var outcome = await llm.Judge.EvaluateAsync(Request(EvalTypes.Binary), SampleCall.Context(), CancellationToken.None);

        Assert.True(outcome.IsEvaluated);
        Assert.Equal(1, outcome.Score);
        Assert.True(outcome.Value!.Value.GetBoolean());
        Assert.Null(outcome.Enum);
        Assert.Equal(["At 00:18 the agent told Maria the cleaning was moved to Friday at 10 AM."], outcome.Explanation);

        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/v1/chat/completions"), (request.Method, request.Path));
        Assert.Equal($"Bearer {LlmServices.ApiKey}", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        Assert.Equal(LlmServices.Model, request.Model);
        Assert.Equal(0, request.Json.GetProperty("temperature").GetDouble());
        Assert.Equal(["system", "user"], request.Messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(
            "Metric: Confirms new time\n\nCriterion:\n"
            + "The agent works under this brief: You are Ava, the receptionist of Bloom Dental. Confirm the new time with Maria before ending the call.\n"
            + "The customer's tier is gold. Did the agent confirm the new appointment time with Maria before ending the call?\n\n"
            + "Transcript:\n" + SampleCall.Transcript,
            request.UserMessage);
        Assert.Contains("\"result\" is true when the call meets the criterion", request.SystemMessage);

        Assert.Equal("json_schema", request.ResponseFormat.GetProperty("type").GetString());
        var jsonSchema = request.ResponseFormat.GetProperty("json_schema");
        Assert.Equal("llm_judge_binary", jsonSchema.GetProperty("name").GetString());
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        AssertStrictObject(request.Schema, "boolean");
    }

    [Fact]
    public async Task A_numeric_metric_asks_for_a_number_and_scores_it()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Asked once, at 00:09.", result = 1 }));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(
            Request(EvalTypes.Numeric, "How many times did the agent ask for the date of birth?"), SampleCall.Context(), CancellationToken.None);

        Assert.Equal((1d, 1d), (outcome.Score!.Value, outcome.Value!.Value.GetDouble()));
        var request = Assert.Single(server.Requests);
        AssertStrictObject(request.Schema, "number");
        Assert.Equal("llm_judge_numeric", request.ResponseFormat.GetProperty("json_schema").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_continuous_metric_asks_for_0_to_100_and_scores_it()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Polite and brief.", result = 87.5 }));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(
            Request(EvalTypes.ContinuousQualitative, "How courteous was the agent?"), SampleCall.Context(), CancellationToken.None);

        Assert.Equal(87.5, outcome.Score);
        Assert.Equal(87.5, outcome.Value!.Value.GetDouble());
        var request = Assert.Single(server.Requests);
        AssertStrictObject(request.Schema, "number");
        Assert.Contains("a score from 0", request.SystemMessage);
        Assert.Contains("to 100", request.SystemMessage);
    }

    [Fact]
    public async Task An_enum_metric_offers_exactly_its_values_and_returns_the_chosen_one()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "The booking was moved.", result = "resolved" }));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(
            Request(EvalTypes.Enum, "What was the outcome of the call?", "resolved", "escalated", "abandoned", "resolved"),
            SampleCall.Context(), CancellationToken.None);

        Assert.Equal("resolved", outcome.Enum);
        Assert.Equal("resolved", outcome.Value!.Value.GetString());
        Assert.Null(outcome.Score);
        var request = Assert.Single(server.Requests);
        var result = AssertStrictObject(request.Schema, "string");
        // A repeated value is offered once: strict schemas refuse repeated enum values.
        Assert.Equal(["resolved", "escalated", "abandoned"], result.GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("exactly one of: \"resolved\", \"escalated\", \"abandoned\"", request.SystemMessage);
    }

    [Fact]
    public async Task An_enum_answer_outside_the_values_is_not_evaluated()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Moved.", result = "rescheduled" }));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(
            Request(EvalTypes.Enum, "What was the outcome?", "resolved", "escalated"), SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome,
            "Not evaluated: the model's answer cannot be used: the answer \"rescheduled\" is not one of the metric's enum values (\"resolved\", \"escalated\").");
    }

    [Theory]
    [InlineData(140)]
    [InlineData(-5)]
    public async Task A_continuous_score_outside_0_to_100_is_not_evaluated(double score)
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Very good.", result = score }));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(
            Request(EvalTypes.ContinuousQualitative, "How courteous was the agent?"), SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, $"Not evaluated: the model's answer cannot be used: the score {score} is outside 0-100.");
    }

    [Fact]
    public async Task A_result_of_the_wrong_type_is_not_evaluated()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Confirmed.", result = "yes" }));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Request(EvalTypes.Binary), SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, "Not evaluated: the model's answer cannot be used: the result \"yes\" is not true or false.");
    }

    [Fact]
    public async Task A_criterion_that_places_the_transcript_itself_gets_it_once_where_it_asked()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Yes.", result = true }));
        using var llm = LlmServices.For(server.BaseUrl);

        await llm.Judge.EvaluateAsync(
            Request(EvalTypes.Binary, "Call:\n{{ transcript }}\nDid the caller say goodbye?"), SampleCall.Context(), CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal($"Metric: Confirms new time\n\nCriterion:\nCall:\n{SampleCall.Transcript}\nDid the caller say goodbye?", request.UserMessage);
    }

    [Fact]
    public async Task A_long_transcript_is_shortened_in_the_middle_and_the_explanation_says_so()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Confirmed at the end.", result = true }));
        using var llm = LlmServices.For(server.BaseUrl, maxTranscriptCharacters: 2000);
        var lines = Enumerable.Range(0, 200).Select(i => $"[{i / 60:00}:{i % 60:00}] {(i % 2 == 0 ? "Main Agent" : "Testing Agent")}: line {i} of the call.");
        var transcript = string.Join('\n', lines);

        var outcome = await llm.Judge.EvaluateAsync(Request(EvalTypes.Binary), SampleCall.Context(transcript), CancellationToken.None);

        var sent = Assert.Single(server.Requests).UserMessage.Split("Transcript:\n")[1];
        Assert.True(sent.Length <= 2000, $"{sent.Length} characters sent");
        Assert.StartsWith("[00:00] Main Agent: line 0 of the call.\n", sent);
        Assert.EndsWith("[03:19] Testing Agent: line 199 of the call.", sent);
        Assert.Matches(@"\n\[\.\.\. \d+ characters of the transcript left out \.\.\.\]\n", sent);
        Assert.Equal(2, outcome.Explanation.Count);
        Assert.StartsWith("The transcript is longer than Llm__MaxTranscriptCharacters (2000): the model read its beginning and end,", outcome.Explanation[1]);
    }

    [Fact]
    public async Task An_empty_temperature_setting_leaves_the_field_out()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Yes.", result = true }));
        using var llm = LlmServices.For(server.BaseUrl, temperature: "");

        await llm.Judge.EvaluateAsync(Request(EvalTypes.Binary), SampleCall.Context(), CancellationToken.None);

        Assert.False(Assert.Single(server.Requests).Json.TryGetProperty("temperature", out _));
    }

    [Fact]
    public async Task Without_an_endpoint_every_metric_is_not_evaluated_and_says_how_to_configure_one()
    {
        using var llm = LlmServices.NotConfigured();

        var outcome = await llm.Judge.EvaluateAsync(Request(EvalTypes.Binary), SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, "Not evaluated: no LLM endpoint is configured (set Llm__BaseUrl, Llm__Model)");
    }

    [Theory]
    [InlineData("likert", "", "Not evaluated: the metric's eval_type \"likert\" is not one of binary, numeric, continuous_qualitative, enum.")]
    [InlineData("enum", "", "Not evaluated: the enum metric has no enum_values.")]
    [InlineData("binary", " ", "Not evaluated: the metric has neither a prompt nor a description to judge by.")]
    public async Task A_metric_that_cannot_be_asked_is_not_evaluated_without_a_request(string evalType, string criterion, string reason)
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "-", result = true }));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(
            Request(evalType, criterion.Length == 0 ? "Was the caller helped?" : criterion), SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, reason);
        Assert.Empty(server.Requests);
    }

    /// <summary>Checks the strict-mode shape (<c>explanation</c> and <c>result</c>, both required, nothing else) and
    /// returns the <c>result</c> property's schema.</summary>
    private static JsonElement AssertStrictObject(JsonElement schema, string resultType)
    {
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["explanation", "result"], schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var properties = schema.GetProperty("properties");
        Assert.Equal(["explanation", "result"], properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal("string", properties.GetProperty("explanation").GetProperty("type").GetString());
        var result = properties.GetProperty("result");
        Assert.Equal(resultType, result.GetProperty("type").GetString());
        return result;
    }
}
