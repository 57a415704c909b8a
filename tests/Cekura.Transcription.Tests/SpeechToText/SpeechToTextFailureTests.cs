using System.Net;
using System.Net.Sockets;
using Cekura.TestSupport.Protocols;
using Cekura.Transcription.SpeechToText;

namespace Cekura.Transcription.Tests.SpeechToText;

/// <summary>The shared failure policy, exercised through both backends against local servers.</summary>
public sealed class SpeechToTextFailureTests : IDisposable
{
    private readonly TestAudio _audio = new();

    private const string OpenAiOk = """
        {"text": "Thank you for calling.", "segments": [
          {"type": "transcript.text.segment", "id": "seg_0", "start": 0.1, "end": 1.2, "text": "Thank you for calling.", "speaker": "A"}]}
        """;

    private const string DeepgramOk = """
        {"metadata": {"request_id": "r", "duration": 1.5, "channels": 1},
         "results": {"channels": [], "utterances": [{"start": 0.1, "end": 1.2, "channel": 0, "speaker": 0, "transcript": "Thank you for calling."}]}}
        """;

    public static TheoryData<string, string> Providers => new() { { "OpenAI", OpenAiOk }, { "Deepgram", DeepgramOk } };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_500_is_retried_after_a_backoff_and_the_next_success_is_used(string provider, string ok)
    {
        await using var server = await LocalProtocolServer.StartAsync(
            Responders.Json(500, """{"error": {"message": "The server had an error while processing your request.", "type": "server_error"}}"""),
            Responders.Json(200, ok));
        using var backends = Backends.For(provider, server.BaseUrl);

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal("Thank you for calling.", Assert.Single(result.Entries).Content);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(_audio.Bytes, r.Content));
        var wait = Assert.Single(backends.Waits);
        Assert.InRange(wait, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
    }

    [Fact]
    public async Task Backoff_doubles_per_attempt_and_the_last_failure_is_reported_with_the_attempts()
    {
        await using var server = await LocalProtocolServer.StartAsync(
            Responders.Json(503, """{"err_code": "SERVICE_UNAVAILABLE", "err_msg": "Deepgram is overloaded, try again.", "request_id": "r"}"""));
        using var backends = Backends.For("Deepgram", server.BaseUrl, maxAttempts: 3);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(
            "Speech-to-text (Deepgram, model nova-3) failed after 3 attempts: the server answered HTTP 503 (ServiceUnavailable): Deepgram is overloaded, try again.",
            error.Message);
        Assert.Equal(2, backends.Waits.Count);
        Assert.InRange(backends.Waits[0], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
        Assert.InRange(backends.Waits[1], TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4.8));
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("3600", 60)]
    public async Task A_429_waits_as_long_as_Retry_After_says_up_to_the_cap(string retryAfter, int expectedSeconds)
    {
        await using var server = await LocalProtocolServer.StartAsync(
            Responders.Json(429, """{"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}}""",
                response => response.Headers.RetryAfter = retryAfter),
            Responders.Json(200, OpenAiOk));
        using var backends = Backends.For("OpenAI", server.BaseUrl);

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Single(result.Entries);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Assert.Single(backends.Waits));
    }

    [Theory]
    [InlineData("OpenAI", 401, """{"error": {"message": "Incorrect API key provided: sk-test-5ecret-k3y. You can find your API key at https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}""", "Incorrect API key provided: [redacted]")]
    [InlineData("Deepgram", 401, """{"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials.", "request_id": "r"}""", "Invalid credentials")]
    [InlineData("Deepgram", 403, """{"err_code": "ACCESS_DENIED", "err_msg": "Project does not have access to the requested model.", "request_id": "r"}""", "Project does not have access")]
    public async Task An_auth_failure_fails_at_once_saying_why_without_the_key(string provider, int status, string body, string reason)
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(status, body));
        using var backends = Backends.For(provider, server.BaseUrl);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.Single(server.Requests);
        Assert.Empty(backends.Waits);
        Assert.Contains($"Speech-to-text ({provider}", error.Message);
        Assert.Contains($"HTTP {status}", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Contains("after 1 attempt", error.Message);
        Assert.Contains("Check SpeechToText:ApiKey", error.Message);
        Assert.DoesNotContain(Backends.ApiKey, error.Message);
    }

    [Fact]
    public async Task A_server_that_never_answers_fails_after_max_attempts_each_timed_out()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Hang());
        using var backends = Backends.For("OpenAI", server.BaseUrl, timeoutSeconds: 1, maxAttempts: 2);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.Equal(2, await server.WaitForRequestsAsync(2));
        Assert.Equal(
            $"Speech-to-text (OpenAI, model {Cekura.Transcription.SpeechToText.OpenAi.OpenAiSpeechToText.DefaultModel}) failed after 2 attempts: no answer within 1 s.",
            error.Message);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_fails_after_max_attempts()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var backends = Backends.For("Deepgram", $"http://127.0.0.1:{port}", maxAttempts: 2);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.Equal("Speech-to-text (Deepgram, model nova-3) failed after 2 attempts: could not reach the server (ConnectionError).", error.Message);
        Assert.Single(backends.Waits);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_retried()
    {
        var stall = new Stall();
        await using var server = await LocalProtocolServer.StartAsync(Responders.Hang(stall));
        using var backends = Backends.For("OpenAI", server.BaseUrl, timeoutSeconds: 60);
        using var cts = new CancellationTokenSource();
        var transcribing = backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", cts.Token);
        await stall.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transcribing);
        Assert.Single(server.Requests);
        Assert.Empty(backends.Waits);
    }

    [Fact]
    public async Task A_missing_recording_fails_with_a_clear_reason()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, OpenAiOk));
        using var backends = Backends.For("OpenAI", server.BaseUrl);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(Path.Combine(Path.GetTempPath(), "no-such-recording.wav"), "audio/wav", CancellationToken.None));

        Assert.StartsWith("Speech-to-text could not read the recording", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_answer_with_only_text_and_no_segments_is_no_speech()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, """{"text": ""}"""));
        using var backends = Backends.For("OpenAI", server.BaseUrl);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.Contains("recognised no speech", error.Message);
    }

    [Fact]
    public async Task A_success_with_an_unexpected_body_fails_saying_what_was_expected()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, """{"segments": [{"text": "hi"}]}"""));
        using var backends = Backends.For("OpenAI", server.BaseUrl);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.StartsWith("Speech-to-text (OpenAI, model gpt-4o-transcribe-diarize) answered with a response that cannot be read", error.Message);
    }

    public void Dispose() => _audio.Dispose();
}
