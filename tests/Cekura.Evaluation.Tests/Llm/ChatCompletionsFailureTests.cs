using System.Net;
using System.Net.Sockets;
using Cekura.Evaluation.Llm.Judge;
using Cekura.TestSupport.Protocols;

namespace Cekura.Evaluation.Tests.Llm;

/// <summary>The client's failure policy, seen through the judge: retries, the reasons given, the concurrency cap.</summary>
public sealed class ChatCompletionsFailureTests
{
    private static readonly JudgeRequest Binary = new(
        "Says goodbye", "Did the agent say goodbye before the call ended?", EvalTypes.Binary, []);

    private static readonly object Yes = new { explanation = "The caller said bye at 00:23.", result = true };

    [Fact]
    public async Task A_503_and_a_429_with_Retry_After_are_retried_and_the_next_success_is_used()
    {
        await using var server = await LocalProtocolServer.StartAsync(
            Responders.Json(503, """{"error": {"message": "The server is overloaded or not ready yet.", "type": "server_error"}}"""),
            Responders.Json(429, """{"error": {"message": "Rate limit reached for gpt-test-mini on requests per min (RPM): Limit 3, Used 3.", "type": "requests", "code": "rate_limit_exceeded"}}""",
                response => response.Headers.RetryAfter = "7"),
            ChatCompletions.Answer(Yes));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        Assert.True(outcome.IsEvaluated);
        Assert.Equal(1, outcome.Score);
        Assert.Equal(3, server.Requests.Count);
        // Every attempt sends the same request.
        Assert.Single(server.Requests.Select(r => r.Json.GetRawText()).Distinct());
        Assert.Equal(2, llm.Waits.Count);
        Assert.InRange(llm.Waits[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
        Assert.Equal(TimeSpan.FromSeconds(7), llm.Waits[1]);
    }

    [Fact]
    public async Task OpenAIs_retry_after_ms_is_preferred_and_a_long_Retry_After_is_capped()
    {
        await using var server = await LocalProtocolServer.StartAsync(
            Responders.Json(429, """{"error": {"message": "Rate limit reached."}}""", response =>
            {
                response.Headers.RetryAfter = "2";
                response.Headers["retry-after-ms"] = "1500";
            }),
            Responders.Json(429, """{"error": {"message": "Rate limit reached."}}""", response => response.Headers.RetryAfter = "3600"),
            ChatCompletions.Answer(Yes));
        using var llm = LlmServices.For(server.BaseUrl);

        await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        Assert.Equal([TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(60)], llm.Waits);
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_is_not_evaluated_with_its_status_and_reason_after_every_retry()
    {
        await using var server = await LocalProtocolServer.StartAsync(
            Responders.Json(503, """{"error": {"message": "The server is overloaded or not ready yet.", "type": "server_error"}}"""));
        using var llm = LlmServices.For(server.BaseUrl, maxRetries: 3);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome,
            "Not evaluated: LLM (gpt-test-mini) failed after 4 attempts: the server answered HTTP 503 (ServiceUnavailable): The server is overloaded or not ready yet.");
        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(3, llm.Waits.Count);
        Assert.InRange(llm.Waits[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
        Assert.InRange(llm.Waits[1], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
        Assert.InRange(llm.Waits[2], TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4.8));
    }

    [Fact]
    public async Task An_auth_failure_is_not_retried_and_the_reason_hides_the_key()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(401,
            """{"error": {"message": "Incorrect API key provided: sk-test-llm-5ecret-k3y. You can find your API key at https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}"""));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        Assert.False(outcome.IsEvaluated);
        Assert.Single(server.Requests);
        Assert.Empty(llm.Waits);
        Assert.StartsWith("Not evaluated: LLM (gpt-test-mini) rejected the request with HTTP 401 (Unauthorized): Incorrect API key provided: [redacted]",
            outcome.NotEvaluatedReason);
        Assert.EndsWith("after 1 attempt; such an answer is not retried. Check Llm__ApiKey.", outcome.NotEvaluatedReason);
        Assert.DoesNotContain(LlmServices.ApiKey, outcome.NotEvaluatedReason);
    }

    [Fact]
    public async Task A_schema_the_server_refuses_is_reported_with_its_reason()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(400,
            """{"error": {"message": "Invalid schema for response_format 'llm_judge_binary': In context=(), 'additionalProperties' is required to be supplied and to be false.", "type": "invalid_request_error", "param": "response_format", "code": null}}"""));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome,
            "Not evaluated: LLM (gpt-test-mini) rejected the request with HTTP 400 (BadRequest): Invalid schema for response_format 'llm_judge_binary': "
            + "In context=(), 'additionalProperties' is required to be supplied and to be false after 1 attempt; such an answer is not retried.");
    }

    [Fact]
    public async Task Content_that_is_not_JSON_is_not_evaluated_quoting_it()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Completion("Yes, the agent said goodbye."));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome,
            "Not evaluated: LLM (gpt-test-mini) answered with content that is not valid JSON (finish_reason: stop): Yes, the agent said goodbye.");
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Content_cut_off_at_the_token_limit_says_so()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Completion("""{"explanation": "The agent thanked the caller and""", finishReason: "length"));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        Assert.StartsWith("Not evaluated: LLM (gpt-test-mini) answered with content that is not valid JSON, cut off at the token limit (finish_reason: length):",
            outcome.NotEvaluatedReason);
    }

    [Fact]
    public async Task A_refusal_is_not_evaluated_with_the_models_words()
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Completion(null, refusal: "I'm sorry, I can't help with that request."));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, "Not evaluated: LLM (gpt-test-mini) refused to answer: I'm sorry, I can't help with that request.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Empty_content_is_not_evaluated(string? content)
    {
        await using var server = await LocalProtocolServer.StartAsync(ChatCompletions.Completion(content, finishReason: "content_filter"));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, "Not evaluated: LLM (gpt-test-mini) answered with no content (finish_reason: content_filter).");
    }

    [Fact]
    public async Task A_success_without_choices_is_not_evaluated_saying_what_was_expected()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, """{"object": "list", "data": []}"""));
        using var llm = LlmServices.For(server.BaseUrl);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        Assert.StartsWith("Not evaluated: LLM (gpt-test-mini) answered with a response that cannot be read: expected {\"choices\": [{\"message\": {\"content\"}}]}",
            outcome.NotEvaluatedReason);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_not_evaluated_after_each_attempt_timed_out()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Hang());
        using var llm = LlmServices.For(server.BaseUrl, maxRetries: 1, timeoutSeconds: 1);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, "Not evaluated: LLM (gpt-test-mini) failed after 2 attempts: no answer within 1 s.");
        Assert.Equal(2, await server.WaitForRequestsAsync(2));
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_not_evaluated_after_the_retries()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var llm = LlmServices.For($"http://127.0.0.1:{port}/v1", maxRetries: 1);

        var outcome = await llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None);

        JudgeAssert.NotEvaluated(outcome, "Not evaluated: LLM (gpt-test-mini) failed after 2 attempts: could not reach the server (ConnectionError).");
        Assert.Single(llm.Waits);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_thrown_and_not_retried()
    {
        var stall = new Stall();
        await using var server = await LocalProtocolServer.StartAsync(Responders.Hang(stall));
        using var llm = LlmServices.For(server.BaseUrl, timeoutSeconds: 60);
        using var cts = new CancellationTokenSource();
        var judging = llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), cts.Token);
        await stall.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => judging);
        Assert.Single(server.Requests);
        Assert.Empty(llm.Waits);
    }

    [Fact]
    public async Task No_more_requests_than_the_concurrency_cap_are_in_flight_at_once()
    {
        const int cap = 2, metrics = 6;
        using var release = new SemaphoreSlim(0);
        await using var server = await LocalProtocolServer.StartAsync(Responders.HeldUntil(release, ChatCompletions.Answer(Yes)));
        using var llm = LlmServices.For(server.BaseUrl, maxConcurrency: cap);

        var judging = Enumerable.Range(0, metrics)
            .Select(_ => llm.Judge.EvaluateAsync(Binary, SampleCall.Context(), CancellationToken.None)).ToList();
        // The server holds every request until released, so the cap's worth arrive and wait there; without a cap
        // all of them would.
        await server.InFlightReached(cap).WaitAsync(TimeSpan.FromSeconds(30));
        release.Release(metrics);
        var outcomes = await Task.WhenAll(judging);

        Assert.All(outcomes, o => Assert.True(o.IsEvaluated));
        Assert.Equal(metrics, server.Requests.Count);
        Assert.Equal(cap, server.MaxInFlight);
    }
}
