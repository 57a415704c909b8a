using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;
using Cekura.EndToEnd.Tests.Support;
using Cekura.TestSupport.Audio;
using Cekura.TestSupport.Protocols;
using Cekura.Transcription.SpeechToText;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The recording through the embedded chain: voice activity per channel, the agent's channel detected, duration and
/// timing metrics from the audio, and speech-to-text for none-mono calls against a local OpenAI-compatible server.
/// </summary>
public sealed class AudioChainTests : IAsyncLifetime
{
    private readonly CallAudioGenerator _generator = new();
    private LocalProtocolServer? _speech;
    private EmbeddedHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _speech = await LocalProtocolServer.StartAsync(DiarizedTwoTurns());
        _host = new EmbeddedHost(new Dictionary<string, string?>
        {
            ["SpeechToText:Provider"] = "OpenAI",
            ["SpeechToText:BaseUrl"] = _speech.BaseUrl + "/v1",
            ["SpeechToText:ApiKey"] = "sk-test-audio-chain",
            ["SpeechToText:MaxAttempts"] = "2",
        }, services => services.AddSingleton(new SpeechToTextRetry { BaseDelay = TimeSpan.FromMilliseconds(50) }));
        _client = _host.CreateAuthorizedClient();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _speech!.DisposeAsync();
        _generator.Dispose();
    }

    [Fact]
    public async Task Stereo_call_whose_transcript_runs_late_gets_its_true_latency_from_the_audio()
    {
        // The agent on channel 1; replies 0.7 s and 1.1 s after the caller stops.
        var call = await _generator.GenerateAsync(new CallScript
        {
            AgentChannel = 1,
            Turns =
            [
                ScriptTurn.Talk(Party.Agent, 0.5, 2.5),
                ScriptTurn.Talk(Party.Caller, 3.6, 2.0),
                ScriptTurn.Talk(Party.Agent, 6.3, 3.0),
                ScriptTurn.Talk(Party.Caller, 10.0, 1.5),
                ScriptTurn.Talk(Party.Agent, 12.6, 2.0),
            ],
        });
        var trueGaps = TrueLatencies(call);
        Assert.Equal(2, trueGaps.Count);
        // Every transcript time 450 ms late, as providers' clocks often are; by its clock the latency is the same,
        // so shift the agent's turns by another 300 ms to make the transcript's latency plainly wrong.
        var transcript = new JsonArray();
        foreach (var (party, segment) in call.AgentSpeaking.Select(s => (Party.Agent, s)).Concat(call.CallerSpeaking.Select(s => (Party.Caller, s))).OrderBy(p => p.s.Start))
        {
            var late = party == Party.Agent ? 0.75 : 0.45;
            transcript.Add(new JsonObject
            {
                ["role"] = party == Party.Agent ? "Main Agent" : "Testing Agent",
                ["content"] = party == Party.Agent ? "Thank you for calling, how can I help?" : "I need to change a booking.",
                ["start_time"] = Math.Round(segment.Start + late, 3),
                ["end_time"] = Math.Round(segment.End + late, 3),
            });
        }

        var done = await PostAndWaitAsync(Body("stereo-late", transcript), call.Path, "audio/wav");

        var data = done.GetProperty("recording_data");
        Assert.True(data.GetProperty("separable_channels").GetBoolean());
        Assert.Equal(2, data.GetProperty("channels").GetInt32());
        Assert.Equal(1, data.GetProperty("main_agent_channel_index").GetInt32());
        Assert.Equal("transcript_overlap", data.GetProperty("channel_rule").GetString());
        Assert.Equal(1, done.GetProperty("main_agent_channel_index").GetInt32());
        Assert.Equal(0, done.GetProperty("testing_channel_index").GetInt32());
        AssertSegmentsNear(call.AgentSpeaking, data.GetProperty("main_speaking"), 0.1);
        AssertSegmentsNear(call.CallerSpeaking, data.GetProperty("testing_speaking"), 0.1);
        Assert.Equal(call.DurationSeconds, data.GetProperty("total_duration").GetDouble(), 1);

        var latency = Metric(done, "Latency");
        Assert.Equal("recording", latency.GetProperty("extra").GetProperty("timing_source").GetString());
        Assert.InRange(latency.GetProperty("score").GetDouble(), trueGaps.Average() - 50, trueGaps.Average() + 50);
        Assert.Contains("Timed from the recording", latency.GetProperty("explanation")[1].GetString());
    }

    [Fact]
    public async Task Stereo_call_with_a_given_channel_index_keeps_it_and_says_so()
    {
        var call = await _generator.GenerateAsync(new CallScript
        {
            AgentChannel = 0,
            Turns = [ScriptTurn.Talk(Party.Caller, 0.4, 1.5), ScriptTurn.Talk(Party.Agent, 2.6, 2.0)],
        });
        var body = Body("stereo-given", Transcript(("Testing Agent", 0.4, 1.9), ("Main Agent", 2.6, 4.6)));
        body["main_agent_channel_index"] = 0;

        var done = await PostAndWaitAsync(body, call.Path, "audio/wav");

        var data = done.GetProperty("recording_data");
        Assert.Equal(0, data.GetProperty("main_agent_channel_index").GetInt32());
        Assert.Equal("main_agent_channel_index", data.GetProperty("channel_rule").GetString());
        Assert.Equal(1.0, data.GetProperty("channel_confidence").GetDouble());
    }

    [Fact]
    public async Task Mono_recording_sets_the_duration_and_closes_the_last_open_turn_at_its_end()
    {
        var call = await _generator.GenerateAsync(new CallScript
        {
            Layout = CallLayout.Mono,
            Container = AudioContainer.Mp3,
            TailSeconds = 2,
            Turns = [ScriptTurn.Talk(Party.Agent, 0.5, 2.0), ScriptTurn.Talk(Party.Caller, 3.5, 2.0)],
        });
        // ElevenLabs gives start times only; the last turn has no end until the recording supplies one.
        var body = new JsonObject
        {
            ["call_id"] = "mono-elevenlabs",
            ["agent"] = 1,
            ["transcript_type"] = "elevenlabs",
            ["transcript_json"] = JsonNode.Parse("""
                [{"role": "agent", "message": "Hello, thanks for calling.", "time_in_call_secs": 0},
                 {"role": "user", "message": "Hi, I need help.", "time_in_call_secs": 3}]
                """),
        };

        var done = await PostAndWaitAsync(body, call.Path, "audio/mpeg");

        var data = done.GetProperty("recording_data");
        Assert.False(data.GetProperty("separable_channels").GetBoolean());
        Assert.Equal(1, data.GetProperty("channels").GetInt32());
        Assert.Empty(data.GetProperty("main_speaking").EnumerateArray());
        Assert.Single(data.GetProperty("channel_speaking").EnumerateArray());
        Assert.Equal(call.DurationSeconds, data.GetProperty("total_duration").GetDouble(), 1);
        var last = done.GetProperty("transcript_object")[1];
        Assert.Equal(call.DurationSeconds, last.GetProperty("end_time").GetDouble(), 1);
        Assert.Equal("transcript", Metric(done, "Latency").GetProperty("extra").GetProperty("timing_source").GetString());
    }

    [Fact]
    public async Task None_mono_call_is_transcribed_by_the_configured_openai_compatible_backend()
    {
        var call = await _generator.GenerateAsync(new CallScript
        {
            Layout = CallLayout.Mono,
            Turns = [ScriptTurn.Talk(Party.Caller, 0.3, 1.2), ScriptTurn.Talk(Party.Agent, 2.0, 2.5)],
        });
        var body = new JsonObject { ["call_id"] = "none-mono-1", ["agent"] = 1, ["transcript_type"] = "none-mono" };

        var done = await PostAndWaitAsync(body, call.Path, "audio/wav");

        Assert.Null(done.GetProperty("error_message").GetString());
        var entries = done.GetProperty("transcript_object").EnumerateArray().ToList();
        Assert.Equal(["Testing Agent", "Main Agent"], entries.Select(e => e.GetProperty("role").GetString()));
        Assert.Equal("Thank you for calling Acme, how can I help you?", entries[1].GetProperty("content").GetString());
        Assert.Equal(2.0, entries[1].GetProperty("start_time").GetDouble(), 3);
        Assert.Equal("greeting", done.GetProperty("agent_speaker_rule").GetString());
        var request = Assert.Single(_speech!.Requests);
        Assert.Equal("Bearer sk-test-audio-chain", request.Authorization);
        Assert.Equal(await File.ReadAllBytesAsync(call.Path), request.Content);
    }

    [Fact]
    public async Task A_speech_to_text_backend_down_for_longer_than_its_retries_is_redelivered_and_the_call_transcribed_once()
    {
        var call = await _generator.GenerateAsync(new CallScript
        {
            Layout = CallLayout.Mono,
            Turns = [ScriptTurn.Talk(Party.Caller, 0.3, 1.2), ScriptTurn.Talk(Party.Agent, 2.0, 2.5)],
        });
        // Both attempts of the first delivery get a 503 (SpeechToText:MaxAttempts 2); the redelivery gets through.
        _speech!.FailNext(2, Responders.Json(503, """{"error": {"message": "overloaded"}}"""));
        var body = new JsonObject { ["call_id"] = "none-mono-outage-1", ["agent"] = 1, ["transcript_type"] = "none-mono" };

        var done = await PostAndWaitAsync(body, call.Path, "audio/wav");

        Assert.Null(done.GetProperty("error_message").GetString());
        Assert.Equal(2, done.GetProperty("transcript_object").GetArrayLength());
        // One redelivery, no in-memory retries on top of the client's own: two failed requests and the one that worked.
        Assert.Equal(3, _speech.Requests.Count);
    }

    private static JsonElement Metric(JsonElement call, string name) =>
        call.GetProperty("evaluation").GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);

    /// <summary>The truth's latencies: each agent segment that starts after a caller segment ended, in ms.</summary>
    private static List<double> TrueLatencies(GeneratedCall call)
    {
        var all = call.AgentSpeaking.Select(s => (Agent: true, s)).Concat(call.CallerSpeaking.Select(s => (Agent: false, s)))
            .OrderBy(p => p.s.Start).ToList();
        return all.Zip(all.Skip(1))
            .Where(p => !p.First.Agent && p.Second.Agent && p.Second.s.Start >= p.First.s.End)
            .Select(p => (p.Second.s.Start - p.First.s.End) * 1000)
            .ToList();
    }

    private static void AssertSegmentsNear(IReadOnlyList<SpeakingSegment> truth, JsonElement measured, double tolerance)
    {
        var found = measured.EnumerateArray().Select(s => (Start: s.GetProperty("start").GetDouble(), End: s.GetProperty("end").GetDouble())).ToList();
        Assert.Equal(truth.Count, found.Count);
        foreach (var (expected, actual) in truth.Zip(found))
        {
            Assert.InRange(actual.Start, expected.Start - tolerance, expected.Start + tolerance);
            Assert.InRange(actual.End, expected.End - tolerance, expected.End + tolerance);
        }
    }

    private static JsonArray Transcript(params (string Role, double Start, double End)[] turns) =>
        new(turns.Select(t => (JsonNode)new JsonObject
        {
            ["role"] = t.Role, ["content"] = "words", ["start_time"] = t.Start, ["end_time"] = t.End,
        }).ToArray());

    private static JsonObject Body(string callId, JsonArray transcript) => new()
    {
        ["call_id"] = callId,
        ["agent"] = 1,
        ["transcript_json"] = transcript,
    };

    private async Task<JsonElement> PostAndWaitAsync(JsonObject body, string recordingPath, string contentType)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (key, value) in body)
        {
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), key);
        }
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(recordingPath));
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "voice_recording", Path.GetFileName(recordingPath));
        var response = await _client.PostAsync("/observability/v1/observe/", form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
        var done = await Calls.WaitForStageAsync(_client, id, "evaluated");
        Assert.True(done.GetProperty("processing_stage").GetString() == "evaluated", done.ToString());
        return done;
    }

    /// <summary>
    /// An OpenAI-compatible <c>/v1/audio/transcriptions</c> that answers <c>diarized_json</c> (speaker-labelled segments,
    /// the shape of gpt-4o-transcribe-diarize) for the two-turn none-mono call above.
    /// </summary>
    private static Responder DiarizedTwoTurns() => Responders.OnlyAt("POST", "/v1/audio/transcriptions", (context, request) =>
        request.FormFields.GetValueOrDefault("response_format") is ["diarized_json"]
            ? Responders.Json(200, """
                {"task": "transcribe", "duration": 5.0, "text": "Hello? Thank you for calling Acme, how can I help you?", "segments": [
                  {"type": "transcript.text.segment", "id": "seg_0", "speaker": "A", "start": 0.3, "end": 1.5, "text": "Hello?"},
                  {"type": "transcript.text.segment", "id": "seg_1", "speaker": "B", "start": 2.0, "end": 4.5, "text": "Thank you for calling Acme, how can I help you?"}]}
                """)(context, request)
            : Responders.Json(400, """{"error": {"message": "this test server only answers diarized_json"}}""")(context, request));
}
