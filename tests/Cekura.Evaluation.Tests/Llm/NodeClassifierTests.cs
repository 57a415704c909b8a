using Cekura.Evaluation.Llm.Classification;
using Cekura.TestSupport.Protocols;

namespace Cekura.Evaluation.Tests.Llm;

/// <summary>Topic and drop-off classification against a local chat-completions server.</summary>
public sealed class NodeClassifierTests
{
    private static readonly IReadOnlyList<ClassificationNode> Topics =
    [
        new("Book appointment", "The caller wants a new appointment."),
        new("Reschedule appointment", "The caller wants to move an existing appointment."),
        new("Billing", "Questions about invoices, insurance or payments."),
    ];

    private static readonly IReadOnlyList<ClassificationNode> Stages =
    [
        new("Greeting", "The agent introduces itself."),
        new("Identity check", "The agent asks for the date of birth."),
        new("Booking change", "The agent moves the appointment and confirms the time."),
        new("Payment", ""),
    ];

    [Fact]
    public async Task The_topic_is_one_of_the_agents_topics_offered_by_name_with_a_none_choice()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new
        {
            explanation = "The caller asks to move her cleaning to Friday.",
            topic = "Reschedule appointment",
        }));
        using var llm = LlmServices.For(server.BaseUrl + "/v1");

        var result = await llm.Topics.ClassifyAsync(Topics, SampleCall.Transcript, CancellationToken.None);

        Assert.Equal(new NodeClassification("Reschedule appointment", ["The caller asks to move her cleaning to Friday."], true),
            result, new ClassificationComparer());
        var request = Assert.Single(server.Requests);
        Assert.Equal(("/v1/chat/completions", LlmServices.Model), (request.Path, request.Model));
        Assert.Equal("call_topic", request.ResponseFormat.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.True(request.ResponseFormat.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        var schema = request.Schema;
        Assert.Equal(["explanation", "topic"], schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["Book appointment", "Reschedule appointment", "Billing", "none"],
            schema.GetProperty("properties").GetProperty("topic").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(
            "Topics:\n"
            + "- \"Book appointment\": The caller wants a new appointment.\n"
            + "- \"Reschedule appointment\": The caller wants to move an existing appointment.\n"
            + "- \"Billing\": Questions about invoices, insurance or payments.\n\n"
            + "Transcript:\n" + SampleCall.Transcript,
            request.UserMessage);
        Assert.Contains("what the call was about", request.SystemMessage);
        Assert.Contains("Answer \"none\" when none of them fits.", request.SystemMessage);
    }

    [Fact]
    public async Task The_drop_off_point_is_the_stage_the_model_picks()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new
        {
            explanation = "The agent moved the booking and the caller hung up after the confirmation.",
            stage = "Booking change",
        }));
        using var llm = LlmServices.For(server.BaseUrl);

        var result = await llm.Dropoffs.ClassifyAsync(Stages, SampleCall.Transcript, CancellationToken.None);

        Assert.True(result.IsEvaluated);
        Assert.Equal("Booking change", result.Node);
        var request = Assert.Single(server.Requests);
        Assert.Equal("call_dropoff_point", request.ResponseFormat.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal(["Greeting", "Identity check", "Booking change", "Payment", "none"],
            request.Schema.GetProperty("properties").GetProperty("stage").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("- \"Payment\"\n", request.UserMessage);
        Assert.Contains("the last stage the conversation reached", request.SystemMessage);
    }

    [Fact]
    public async Task None_is_evaluated_with_no_node()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "The caller asks about parking.", topic = "none" }));
        using var llm = LlmServices.For(server.BaseUrl);

        var result = await llm.Topics.ClassifyAsync(Topics, SampleCall.Transcript, CancellationToken.None);

        Assert.True(result.IsEvaluated);
        Assert.Null(result.Node);
        Assert.Equal(["The caller asks about parking."], result.Explanation);
    }

    [Fact]
    public async Task A_node_named_none_keeps_its_name_and_the_none_choice_takes_another()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Nothing fits.", topic = "none_of_these" }));
        using var llm = LlmServices.For(server.BaseUrl);

        var result = await llm.Topics.ClassifyAsync([new("None", "No request was made."), .. Topics], SampleCall.Transcript, CancellationToken.None);

        Assert.Null(result.Node);
        var request = Assert.Single(server.Requests);
        Assert.Equal(["None", "Book appointment", "Reschedule appointment", "Billing", "none_of_these"],
            request.Schema.GetProperty("properties").GetProperty("topic").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("Answer \"none_of_these\" when none of them fits.", request.SystemMessage);
    }

    [Fact]
    public async Task An_answer_that_is_not_a_node_is_not_evaluated()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Moving a booking.", topic = "Rescheduling" }));
        using var llm = LlmServices.For(server.BaseUrl);

        var result = await llm.Topics.ClassifyAsync(Topics, SampleCall.Transcript, CancellationToken.None);

        Assert.Equal(NodeClassification.NotEvaluated(
            "Not evaluated: the model's answer cannot be used: \"Rescheduling\" is not one of the agent's topic nodes."),
            result, new ClassificationComparer());
    }

    [Fact]
    public async Task A_node_name_longer_than_the_field_is_cut_to_1000_characters()
    {
        var longName = new string('x', 1200);
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "Fits.", topic = longName }));
        using var llm = LlmServices.For(server.BaseUrl);

        var result = await llm.Topics.ClassifyAsync([new(longName, "A topic with a very long name.")], SampleCall.Transcript, CancellationToken.None);

        Assert.Equal(new string('x', 1000), result.Node);
    }

    [Fact]
    public async Task Without_nodes_or_a_transcript_nothing_is_asked()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Answer(new { explanation = "-", topic = "none" }));
        using var llm = LlmServices.For(server.BaseUrl);

        var noTopics = await llm.Topics.ClassifyAsync([], SampleCall.Transcript, CancellationToken.None);
        var blankStages = await llm.Dropoffs.ClassifyAsync([new(" ", "unnamed")], SampleCall.Transcript, CancellationToken.None);
        var noTranscript = await llm.Topics.ClassifyAsync(Topics, "", CancellationToken.None);

        Assert.Equal(["Not evaluated: the agent has no topic nodes."], noTopics.Explanation);
        Assert.Equal(["Not evaluated: the agent has no dropoff nodes."], blankStages.Explanation);
        Assert.Equal(["Not evaluated: the call has no transcript."], noTranscript.Explanation);
        Assert.All([noTopics, blankStages, noTranscript], r => Assert.Equal((null, false), (r.Node, r.IsEvaluated)));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Without_an_endpoint_there_is_no_topic_and_the_reason_says_how_to_configure_one()
    {
        using var llm = LlmServices.NotConfigured();

        var topic = await llm.Topics.ClassifyAsync(Topics, SampleCall.Transcript, CancellationToken.None);
        var dropoff = await llm.Dropoffs.ClassifyAsync(Stages, SampleCall.Transcript, CancellationToken.None);

        Assert.All([topic, dropoff], r => Assert.Equal(NodeClassification.NotEvaluated(
            "Not evaluated: no LLM endpoint is configured (set Llm__BaseUrl, Llm__Model)"), r, new ClassificationComparer()));
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_gives_no_node_and_its_reason()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(500, """{"error": {"message": "Internal error."}}"""));
        using var llm = LlmServices.For(server.BaseUrl, maxRetries: 1);

        var result = await llm.Dropoffs.ClassifyAsync(Stages, SampleCall.Transcript, CancellationToken.None);

        Assert.Equal(["Not evaluated: LLM (gpt-test-mini) failed after 2 attempts: the server answered HTTP 500 (InternalServerError): Internal error."],
            result.Explanation);
        Assert.Equal((null, false), (result.Node, result.IsEvaluated));
    }

    /// <summary>Records compare their lists by reference; compare the explanation's items instead.</summary>
    private sealed class ClassificationComparer : IEqualityComparer<NodeClassification>
    {
        public bool Equals(NodeClassification? x, NodeClassification? y) =>
            x is not null && y is not null && x.Node == y.Node && x.IsEvaluated == y.IsEvaluated
            && x.Explanation.SequenceEqual(y.Explanation);

        public int GetHashCode(NodeClassification obj) => HashCode.Combine(obj.Node, obj.IsEvaluated);
    }
}
