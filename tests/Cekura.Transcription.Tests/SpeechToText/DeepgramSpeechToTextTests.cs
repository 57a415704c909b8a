using Cekura.Contracts.Calls;
using Cekura.Speech.Speakers;
using Cekura.TestSupport.Protocols;
using Cekura.Transcription.SpeechToText;
using Cekura.Transcription.SpeechToText.Deepgram;

namespace Cekura.Transcription.Tests.SpeechToText;

public sealed class DeepgramSpeechToTextTests : IDisposable
{
    private readonly TestAudio _audio = new();

    /// <summary>A pre-recorded <c>/v1/listen</c> answer with <c>diarize</c> and <c>utterances</c>, as Deepgram documents it.</summary>
    private const string WithUtterances = """
        {
          "metadata": {"transaction_key": "deprecated", "request_id": "5b5e9b4a-7c1f-4b8e-a3f1-2d7c9e0f1a23", "sha256": "e3b0c442",
                       "created": "2026-12-01T07:50:00.000Z", "duration": 9.8, "channels": 1, "models": ["1abfe86b-e047-4eed-858a-35e5625b41ee"],
                       "model_info": {"1abfe86b-e047-4eed-858a-35e5625b41ee": {"name": "general-nova-3", "version": "2024-12-20.0", "arch": "nova-3"}}},
          "results": {
            "channels": [{"alternatives": [{"transcript": "hello this is max from northwind", "confidence": 0.99, "words": [
              {"word": "hello", "start": 0.24, "end": 0.56, "confidence": 0.99, "speaker": 0, "speaker_confidence": 0.8, "punctuated_word": "Hello,"}]}]}],
            "utterances": [
              {"start": 0.24, "end": 2.9, "confidence": 0.98, "channel": 0, "transcript": "Hello, this is Max from Northwind Insurance.", "speaker": 0,
               "id": "0b3e5c1e-3f3d-4f4e-9d55-1f0f5c1d2e3a", "words": []},
              {"start": 3.5, "end": 5.1, "confidence": 0.97, "channel": 0, "transcript": "Oh hi, I wanted to ask about my claim.", "speaker": 1,
               "id": "9a8b7c6d-1e2f-4a3b-8c9d-0e1f2a3b4c5d", "words": []},
              {"start": 5.6, "end": 7.2, "confidence": 0.96, "channel": 0, "transcript": "Sure, let me pull it up.", "speaker": 0,
               "id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "words": []}
            ]
          }
        }
        """;

    [Fact]
    public async Task Utterances_become_turns_with_the_greeting_speaker_as_main_agent()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, WithUtterances));
        using var backends = Backends.For("Deepgram", server.BaseUrl);

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal(
        [
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Hello, this is Max from Northwind Insurance.", StartTime = 0.24, EndTime = 2.9 },
            new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Oh hi, I wanted to ask about my claim.", StartTime = 3.5, EndTime = 5.1 },
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Sure, let me pull it up.", StartTime = 5.6, EndTime = 7.2 },
        ], result.Entries);
        Assert.Equal((0, AgentSpeakerRules.Greeting), (result.AgentSpeaker, result.AgentRule));
        Assert.Equal(("Deepgram", DeepgramSpeechToText.DefaultModel), (result.Provider, result.Model));
    }

    [Fact]
    public async Task Request_streams_the_audio_as_the_body_with_diarization_asked_for()
    {
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, WithUtterances));
        using var backends = Backends.For("Deepgram", server.BaseUrl + "/", model: "nova-2-phonecall");

        await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/v1/listen"), (request.Method, request.Path));
        Assert.Equal($"Token {Backends.ApiKey}", request.Authorization);
        Assert.Equal("audio/wav", request.ContentType);
        Assert.Equal(_audio.Bytes, request.Content);
        Assert.Equal(new Dictionary<string, string>
        {
            ["model"] = "nova-2-phonecall", ["diarize"] = "true", ["utterances"] = "true", ["punctuate"] = "true", ["smart_format"] = "true",
        }, request.Query);
    }

    [Fact]
    public async Task Without_utterances_words_are_grouped_by_speaker()
    {
        const string json = """
            {"metadata": {"request_id": "r", "duration": 4.0, "channels": 1},
             "results": {"channels": [{"alternatives": [{"transcript": "hi there thanks for calling acme", "confidence": 0.9, "words": [
               {"word": "hi", "start": 0.1, "end": 0.3, "confidence": 0.9, "speaker": 1, "punctuated_word": "Hi"},
               {"word": "there", "start": 0.35, "end": 0.6, "confidence": 0.9, "speaker": 1, "punctuated_word": "there."},
               {"word": "thanks", "start": 1.2, "end": 1.5, "confidence": 0.9, "speaker": 0, "punctuated_word": "Thanks"},
               {"word": "for", "start": 1.5, "end": 1.6, "confidence": 0.9, "speaker": 0, "punctuated_word": "for"},
               {"word": "calling", "start": 1.6, "end": 2.0, "confidence": 0.9, "speaker": 0, "punctuated_word": "calling"},
               {"word": "acme", "start": 2.0, "end": 2.4, "confidence": 0.9, "speaker": 0, "punctuated_word": "Acme."}]}]}]}}
            """;
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, json));
        using var backends = Backends.For("Deepgram", server.BaseUrl);

        var result = await backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None);

        Assert.Equal(
        [
            new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Hi there.", StartTime = 0.1, EndTime = 0.6 },
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Thanks for calling Acme.", StartTime = 1.2, EndTime = 2.4 },
        ], result.Entries);
        Assert.Equal((0, AgentSpeakerRules.Greeting), (result.AgentSpeaker, result.AgentRule));
    }

    [Fact]
    public async Task A_response_with_no_speech_fails_with_the_reason()
    {
        const string silent = """
            {"metadata": {"request_id": "r", "duration": 0.5, "channels": 1},
             "results": {"channels": [{"alternatives": [{"transcript": "", "confidence": 0, "words": []}]}], "utterances": []}}
            """;
        await using var server = await LocalProtocolServer.StartAsync(Responders.Json(200, silent));
        using var backends = Backends.For("Deepgram", server.BaseUrl);

        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync(_audio.Path, "audio/wav", CancellationToken.None));

        Assert.Equal("Speech-to-text (Deepgram, model nova-3) recognised no speech in the recording: the response has no segments with text.",
            error.Message);
    }

    public void Dispose() => _audio.Dispose();
}
