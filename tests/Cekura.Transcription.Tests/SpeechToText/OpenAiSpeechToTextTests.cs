using Cekura.Contracts.Calls;
using Cekura.Speech.Speakers;
using Cekura.TestSupport.Protocols;
using Cekura.Transcription.SpeechToText;
using Cekura.Transcription.SpeechToText.OpenAi;

namespace Cekura.Transcription.Tests.SpeechToText;

public sealed class OpenAiSpeechToTextTests : IDisposable
{
    private readonly TestAudio _audio = new();

    /// <summary>The shape OpenAI documents for <c>response_format=diarized_json</c>: the caller answers first, the agent greets.</summary>
    private const string DiarizedCallerFirst = """
        {
          "task": "transcribe",
          "duration": 14.2,
          "text": "Hello? Thanks for calling Bloom Dental, this is Ava. How can I help? Hi, I need to move my cleaning to Friday. Sure. Friday at ten works.",
          "segments": [
            {"type": "transcript.text.segment", "id": "seg_0", "start": 0.31, "end": 0.92, "text": " Hello?", "speaker": "A"},
            {"type": "transcript.text.segment", "id": "seg_1", "start": 1.4, "end": 3.86, "text": " Thanks for calling Bloom Dental, this is Ava.", "speaker": "B"},
            {"type": "transcript.text.segment", "id": "seg_2", "start": 4.1, "end": 5.02, "text": " How can I help?", "speaker": "B"},
            {"type": "transcript.text.segment", "id": "seg_3", "start": 5.9, "end": 8.35, "text": " Hi, I need to move my cleaning to Friday.", "speaker": "A"},
            {"type": "transcript.text.segment", "id": "seg_4", "start": 9.1, "end": 9.6, "text": " Sure.", "speaker": "B"},
            {"type": "transcript.text.segment", "id": "seg_5", "start": 11.2, "end": 12.9, "text": " Friday at ten works.", "speaker": "B"}
          ],
          "usage": {"type": "duration", "seconds": 15}
        }
        """;

    [Fact]
    public async Task Diarized_segments_become_turns_with_the_greeter_as_main_agent()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, DiarizedCallerFirst));
        using var backends = Backends.For("OpenAI", server.BaseUrl + "/v1");

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal(
        [
            new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Hello?", StartTime = 0.31, EndTime = 0.92 },
            // seg_1 and seg_2 are 0.24 s apart: one turn. seg_4 and seg_5 are 1.6 s apart: two turns.
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Thanks for calling Bloom Dental, this is Ava. How can I help?", StartTime = 1.4, EndTime = 5.02 },
            new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Hi, I need to move my cleaning to Friday.", StartTime = 5.9, EndTime = 8.35 },
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Sure.", StartTime = 9.1, EndTime = 9.6 },
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Friday at ten works.", StartTime = 11.2, EndTime = 12.9 },
        ], result.Entries);
        Assert.Equal((1, AgentSpeakerRules.Greeting), (result.AgentSpeaker, result.AgentRule));
        Assert.Equal(("OpenAI", OpenAiSpeechToText.DefaultModel), (result.Provider, result.Model));
    }

    [Fact]
    public async Task Request_is_a_multipart_upload_of_the_file_asking_for_diarized_json()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, DiarizedCallerFirst));
        using var backends = Backends.For("OpenAI", server.BaseUrl + "/v1/");

        await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/v1/audio/transcriptions"), (request.Method, request.Path));
        Assert.Equal($"Bearer {Backends.ApiKey}", request.Authorization);
        Assert.StartsWith("multipart/form-data", request.ContentType);
        Assert.Equal(("call.wav", "audio/wav"), (request.FileName, request.FileContentType));
        Assert.Equal(_audio.Bytes, request.Content);
        Assert.Equal(["gpt-4o-transcribe-diarize"], request.FormFields["model"]);
        Assert.Equal(["diarized_json"], request.FormFields["response_format"]);
        Assert.Equal(["auto"], request.FormFields["chunking_strategy"]);
    }

    [Fact]
    public async Task Without_a_greeting_the_first_speaker_is_the_agent_and_the_configured_model_is_sent()
    {
        const string json = """
            {"text": "...", "segments": [
              {"type": "transcript.text.segment", "id": "seg_0", "start": 0.5, "end": 2.0, "text": "Appointments, Ava here.", "speaker": "A"},
              {"type": "transcript.text.segment", "id": "seg_1", "start": 2.6, "end": 4.0, "text": "Hi, can I book a cleaning?", "speaker": "B"}
            ]}
            """;
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, json));
        using var backends = Backends.For("OpenAI", server.BaseUrl, model: "gpt-4o-transcribe-diarize-2025");

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal([TranscriptRoles.MainAgent, TranscriptRoles.TestingAgent], result.Entries.Select(e => e.Role));
        Assert.Equal((0, AgentSpeakerRules.FirstSpeaker), (result.AgentSpeaker, result.AgentRule));
        Assert.Equal(["gpt-4o-transcribe-diarize-2025"], Assert.Single(server.Requests).FormFields["model"]);
        Assert.Equal("gpt-4o-transcribe-diarize-2025", result.Model);
    }

    /// <summary>OpenAI's answer when a model cannot give <c>diarized_json</c>.</summary>
    private const string FormatRefused = """
        {"error": {"message": "response_format 'diarized_json' is not compatible with model 'whisper-1'. Use 'json', 'text', 'srt', 'verbose_json' or 'vtt'.",
                   "type": "invalid_request_error", "param": "response_format", "code": "unsupported_value"}}
        """;

    /// <summary>The documented <c>verbose_json</c> shape: segments and words with times, no speakers.</summary>
    private const string Verbose = """
        {
          "task": "transcribe", "language": "english", "duration": 9.5,
          "text": "Thanks for calling Bloom Dental. Hi, I need to move my cleaning.",
          "segments": [
            {"id": 0, "seek": 0, "start": 0.0, "end": 2.4, "text": " Thanks for calling Bloom Dental.", "tokens": [50364, 2561], "temperature": 0.0,
             "avg_logprob": -0.21, "compression_ratio": 1.1, "no_speech_prob": 0.01},
            {"id": 1, "seek": 0, "start": 4.0, "end": 6.5, "text": " Hi, I need to move my cleaning.", "tokens": [50464, 2425], "temperature": 0.0,
             "avg_logprob": -0.25, "compression_ratio": 1.1, "no_speech_prob": 0.02}
          ],
          "words": [{"word": "Thanks", "start": 0.0, "end": 0.4}, {"word": "for", "start": 0.4, "end": 0.6}]
        }
        """;

    [Fact]
    public async Task Refused_diarized_json_falls_back_to_verbose_json_as_one_undiarized_speaker()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(400, FormatRefused), Responders.Json(200, Verbose));
        using var backends = Backends.For("OpenAI", server.BaseUrl, model: "whisper-1");

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal(
        [
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Thanks for calling Bloom Dental.", StartTime = 0.0, EndTime = 2.4 },
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Hi, I need to move my cleaning.", StartTime = 4.0, EndTime = 6.5 },
        ], result.Entries);
        Assert.Equal((0, SpeechToTextTurns.UndiarizedRule), (result.AgentSpeaker, result.AgentRule));
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(["diarized_json"], requests[0].FormFields["response_format"]);
        Assert.Equal(["verbose_json"], requests[1].FormFields["response_format"]);
        Assert.Equal(["segment", "word"], requests[1].FormFields["timestamp_granularities[]"]);
        Assert.False(requests[1].FormFields.ContainsKey("chunking_strategy"));
        Assert.Equal(_audio.Bytes, requests[1].Content);
        Assert.Empty(backends.Waits);
    }

    [Fact]
    public async Task A_refused_format_is_remembered_so_the_next_call_uploads_once()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(400, FormatRefused), Responders.Json(200, Verbose));
        using var backends = Backends.For("OpenAI", server.BaseUrl, model: "whisper-1");
        await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal(["diarized_json", "verbose_json", "verbose_json"], server.Requests.Select(r => r.FormFields["response_format"][0]));
    }

    [Fact]
    public async Task Verbose_segments_that_carry_speakers_are_diarized()
    {
        const string json = """
            {"task": "transcribe", "language": "english", "duration": 6, "text": "...", "segments": [
              {"id": 0, "start": 0.2, "end": 1.0, "text": " Hello?", "speaker": "SPEAKER_00"},
              {"id": 1, "start": 1.5, "end": 3.0, "text": " You've reached Northwind support.", "speaker": "SPEAKER_01"}
            ]}
            """;
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(422,
            """{"detail": [{"loc": ["body", "response_format"], "msg": "Input should be 'json', 'text', 'verbose_json'", "type": "enum"}]}"""),
            Responders.Json(200, json));
        using var backends = Backends.For("OpenAI", server.BaseUrl);

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal([TranscriptRoles.TestingAgent, TranscriptRoles.MainAgent], result.Entries.Select(e => e.Role));
        Assert.Equal((1, AgentSpeakerRules.Greeting), (result.AgentSpeaker, result.AgentRule));
    }

    [Fact]
    public async Task A_400_about_something_else_fails_without_falling_back()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(400,
            """{"error": {"message": "Audio file might be corrupted or unsupported", "type": "invalid_request_error", "param": "file", "code": "invalid_value"}}"""));
        using var backends = Backends.For("OpenAI", server.BaseUrl);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.Single(server.Requests);
        Assert.Contains("HTTP 400", error.Message);
        Assert.Contains("Audio file might be corrupted or unsupported", error.Message);
    }

    [Fact]
    public async Task A_file_without_extension_is_named_after_its_content_type()
    {
        using var audio = new TestAudio(fileName: "7f3c2a");
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, DiarizedCallerFirst));
        using var backends = Backends.For("OpenAI", server.BaseUrl);

        await backends.Backend.TranscribeAsync(audio.Path, "audio/x-wav", CancellationToken.None);

        Assert.Equal("7f3c2a.wav", Assert.Single(server.Requests).FileName);
    }

    public void Dispose() => _audio.Dispose();
}
