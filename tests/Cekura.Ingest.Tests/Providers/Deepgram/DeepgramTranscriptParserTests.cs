using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Deepgram;

namespace Cekura.Ingest.Tests.Providers.Deepgram;

public sealed class DeepgramTranscriptParserTests
{
    private const string Shape = "the Deepgram /v1/listen response {metadata, results}";
    private const string NoSpeech =
        "the Deepgram response has no speech: results.utterances is absent or empty and results.channels[*].alternatives[0].words has no words";

    private static readonly DeepgramTranscriptParser Parser = new();

    private static DeepgramTranscript Detailed(string json, int? mainAgentChannelIndex = null)
    {
        using var document = JsonDocument.Parse(json);
        return Parser.ParseDetailed(document.RootElement, new TranscriptContext { MainAgentChannelIndex = mainAgentChannelIndex });
    }

    private static IReadOnlyList<string> Problems(string json, int? mainAgentChannelIndex = null) =>
        Assert.Throws<TranscriptFormatException>(() => Detailed(json, mainAgentChannelIndex)).Problems;

    private static TranscriptEntry Agent(string content, double start, double end) =>
        new() { Role = TranscriptRoles.MainAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Caller(string content, double start, double end) =>
        new() { Role = TranscriptRoles.TestingAgent, Content = content, StartTime = start, EndTime = end };

    private static void AssertEntries(IReadOnlyList<TranscriptEntry> expected, IReadOnlyList<TranscriptEntry> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            Assert.True(expected[i] == actual[i], $"entry {i}:\n expected {expected[i]}\n actual   {actual[i]}");
        }
        Assert.Equal(expected.Count, actual.Count);
    }

    /// <summary>One channel's words as a response without utterances; each word is (text, start, end, speaker).</summary>
    private static string Words(params (string Text, double Start, double End, int? Speaker)[][] channels) =>
        JsonSerializer.Serialize(new
        {
            metadata = new { request_id = "r", duration = 60, channels = channels.Length },
            results = new
            {
                channels = channels.Select(words => new
                {
                    alternatives = new[]
                    {
                        new
                        {
                            transcript = string.Join(" ", words.Select(w => w.Text)),
                            words = words.Select(w => w.Speaker is { } s
                                ? (object)new { word = w.Text.ToLowerInvariant(), punctuated_word = w.Text, start = w.Start, end = w.End, speaker = s }
                                : new { word = w.Text.ToLowerInvariant(), punctuated_word = w.Text, start = w.Start, end = w.End }),
                        },
                    },
                }),
            },
        });

    private static readonly IReadOnlyList<TranscriptEntry> StereoCall =
    [
        Agent("Thank you for calling Crestview Pharmacy, this is Maya. How can I help you today?", 0.48, 3.91),
        Caller("Hi, I'm calling to check on my refill for lisinopril.", 4.62, 7.05),
        Agent("Sure. Can I have your date of birth, please?", 7.71, 10.2),
        Caller("March third, nineteen seventy eight.", 10.96, 12.84),
        Agent("Thanks. Your refill is ready for pickup after two today.", 13.5, 17.32),
        Caller("Great, thanks.", 17.9, 18.66),
    ];

    [Fact]
    public void Type_is_deepgram() => Assert.Equal(["deepgram"], Parser.Types);

    [Fact]
    public void Stereo_utterances_become_turns_and_the_greeting_names_the_agent_channel()
    {
        var parsed = Detailed(DeepgramFixtures.StereoUtterances);

        AssertEntries(StereoCall, parsed.Entries);
        Assert.Equal(0, parsed.AgentIndex);
        Assert.Equal("greeting", parsed.AgentRule);
    }

    [Fact]
    public void Main_agent_channel_index_decides_the_agent_over_detection()
    {
        var parsed = Detailed(DeepgramFixtures.StereoUtterances, mainAgentChannelIndex: 1);

        AssertEntries(StereoCall.Select(e => e with
        {
            Role = e.Role == TranscriptRoles.MainAgent ? TranscriptRoles.TestingAgent : TranscriptRoles.MainAgent,
        }).ToList(), parsed.Entries);
        Assert.Equal(1, parsed.AgentIndex);
        Assert.Equal("main_agent_channel_index", parsed.AgentRule);
    }

    [Fact]
    public void Parse_with_context_returns_the_detailed_entries_and_parse_without_uses_no_context()
    {
        using var document = JsonDocument.Parse(DeepgramFixtures.StereoUtterances);

        Assert.Equal(Detailed(DeepgramFixtures.StereoUtterances, 1).Entries,
            Parser.Parse(document.RootElement, new TranscriptContext { MainAgentChannelIndex = 1 }));
        Assert.Equal(StereoCall, Parser.Parse(document.RootElement));
        Assert.Equal(StereoCall, ((ITranscriptParser)Parser).Parse(document.RootElement, TranscriptContext.None));
    }

    [Fact]
    public void Mono_diarized_words_are_grouped_into_speaker_turns_split_at_pauses()
    {
        var parsed = Detailed(DeepgramFixtures.MonoDiarizedWords);

        AssertEntries(
        [
            Caller("Hello?", 0.32, 0.71),
            Agent("Hi, this is Leo from Northside Auto.", 1.4, 3.22),
            Agent("Your car is ready.", 4.3, 5.3),
            Caller("oh great, thanks.", 5.9, 6.9),
            Agent("You're welcome.", 7.4, 8.05),
        ], parsed.Entries);
        Assert.Equal(1, parsed.AgentIndex);
        Assert.Equal("greeting", parsed.AgentRule);
    }

    [Fact]
    public void Main_agent_channel_index_is_a_speaker_index_for_diarized_mono()
    {
        var parsed = Detailed(DeepgramFixtures.MonoDiarizedWords, mainAgentChannelIndex: 0);

        Assert.Equal([TranscriptRoles.MainAgent, TranscriptRoles.TestingAgent, TranscriptRoles.TestingAgent, TranscriptRoles.MainAgent, TranscriptRoles.TestingAgent],
            parsed.Entries.Select(e => e.Role));
        Assert.Equal((0, "main_agent_channel_index"), (parsed.AgentIndex, parsed.AgentRule));
    }

    [Fact]
    public void Stereo_quirks_are_tolerated_and_the_first_speaker_is_the_agent_without_a_greeting()
    {
        var parsed = Detailed(DeepgramFixtures.StereoQuirks);

        AssertEntries(
        [
            Agent("Hello, support desk. Who am I talking to?", 0.6, 4.1),
            Caller("I need to reset my password.", 5.2, 6.9),
            Agent("No problem, I've sent a reset link to your email.", 7.3, 10.35),
            Caller("Okay, got it.", 11.05, 12.4),
        ], parsed.Entries);
        Assert.Equal((0, "first_speaker"), (parsed.AgentIndex, parsed.AgentRule));
    }

    [Fact]
    public void Stereo_words_are_grouped_per_channel_so_a_backchannel_does_not_split_a_turn()
    {
        var parsed = Detailed(Words(
            [("Thanks", 0.5, 0.8, null), ("for", 0.8, 0.95, null), ("calling.", 0.95, 1.4, null),
             ("Sure,", 4.0, 4.3, null), ("one", 4.3, 4.5, null), ("moment.", 4.5, 5.0, null)],
            [("Hi,", 1.9, 2.1, null), ("my", 2.1, 2.2, null), ("order", 2.2, 2.6, null), ("is", 2.6, 2.7, null), ("late.", 2.7, 3.2, null),
             ("Mm-hmm.", 4.35, 4.6, null)]));

        AssertEntries(
        [
            Agent("Thanks for calling.", 0.5, 1.4),
            Caller("Hi, my order is late.", 1.9, 3.2),
            Agent("Sure, one moment.", 4.0, 5.0),
            Caller("Mm-hmm.", 4.35, 4.6),
        ], parsed.Entries);
        Assert.Equal((0, "greeting"), (parsed.AgentIndex, parsed.AgentRule));
    }

    [Theory]
    [InlineData("Hello?", "Hi, you've reached Dr. Lee's office.", 1)]
    [InlineData("Good morning, Acme, how may I help?", "Hi, this is Sam.", 0)]
    [InlineData("Hi, this is Sam calling about my bill.", "Welcome to Acme billing.", 1)]
    [InlineData("Hello?", "Yes, Maria speaking.", 1)]
    [InlineData("Hello?", "Hi there.", 0)]
    public void A_strong_greeting_in_the_opening_turns_beats_a_weak_one_and_the_first_speaker(string first, string second, int agent)
    {
        var parsed = Detailed(Words([(first, 0, 1, 0)], [(second, 2, 3, 0)]));

        Assert.Equal(agent, parsed.AgentIndex);
        Assert.Equal(first == "Hello?" && second == "Hi there." ? "first_speaker" : "greeting", parsed.AgentRule);
    }

    [Fact]
    public void A_greeting_after_the_opening_turns_is_not_used()
    {
        var parsed = Detailed(Words(
            [("Hello?", 0, 1, 0), ("Yes.", 4, 5, 0), ("Okay.", 8, 9, 0)],
            [("Hi.", 2, 3, 0), ("Hm.", 6, 7, 0), ("Thanks for calling.", 10, 11, 0)]));

        Assert.Equal((0, "first_speaker"), (parsed.AgentIndex, parsed.AgentRule));
    }

    [Fact]
    public void Empty_utterances_fall_back_to_channel_words_using_word_where_punctuated_word_is_missing() =>
        AssertEntries([Agent("welcome to Acme.", 0.1, 0.9)], Detailed("""
            {"results": {"utterances": [], "channels": [{"alternatives": [{"words": [
              {"word": "welcome", "start": 0.1, "end": 0.3, "speaker": 0}, {"word": "to", "start": 0.3, "end": 0.4, "speaker": 0},
              {"word": "acme", "punctuated_word": "Acme.", "start": 0.4, "end": 0.9, "speaker": 0}]}]}]}}
            """).Entries);

    [Fact]
    public void Utterance_speaker_missing_is_taken_from_its_words_on_mono() =>
        Assert.Equal((1, "greeting"), Detailed("""
            {"results": {"channels": [{"alternatives": [{}]}], "utterances": [
              {"start": 0, "end": 1, "channel": 0, "speaker": 0, "transcript": "Hello?"},
              {"start": 1.5, "end": 3, "channel": 0, "transcript": "Hi, this is Ana from Acme.", "words": [{"word": "hi", "start": 1.5, "end": 1.8, "speaker": 1}]}]}}
            """) is var p ? (p.AgentIndex, p.AgentRule) : default);

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"results\"", "the string \"results\"")]
    [InlineData("null", "null")]
    public void Root_that_is_not_an_object_is_rejected(string json, string described) =>
        Assert.Equal([$"expected {Shape}, got {described}"], Problems(json));

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"metadata": {"request_id": "r"}, "results": null}""")]
    [InlineData("""{"request_id": "r"}""")]
    public void Missing_results_is_rejected(string json) =>
        Assert.Equal([$"results is required: expected {Shape}"], Problems(json));

    [Fact]
    public void Results_that_is_not_an_object_is_rejected() =>
        Assert.Equal(["results must be an object {channels, utterances?}, got an array"], Problems("""{"results": []}"""));

    [Theory]
    [InlineData("""{"results": {}}""")]
    [InlineData("""{"results": {"channels": []}}""")]
    [InlineData("""{"results": {"channels": [{"alternatives": [{"transcript": "", "words": []}]}], "utterances": []}}""")]
    [InlineData("""{"results": {"channels": [{"alternatives": []}, {}]}}""")]
    [InlineData("""{"results": {"utterances": [{"start": 1, "end": 2, "channel": 0, "transcript": " "}]}}""")]
    public void Response_without_any_words_is_rejected(string json) =>
        Assert.Equal([NoSpeech], Problems(json));

    [Fact]
    public void Channels_and_utterances_of_the_wrong_kind_are_rejected() =>
        Assert.Equal(["results.channels must be an array, got an object", "results.utterances must be an array, got the string \"\""],
            Problems("""{"results": {"channels": {}, "utterances": ""}}"""));

    [Fact]
    public void Utterance_problems_name_the_utterance_and_field() =>
        Assert.Equal(
        [
            "results.utterances[1]: start must be a number of seconds, got the string \"soon\"",
            "results.utterances[2]: channel must be a whole number from 0 to 10000, got the number 1.5",
            "results.utterances[3]: end 1 is before start 2.5",
            "results.utterances[4]: transcript must be a string, got the number 7",
            "results.utterances[5]: start is required",
            "results.utterances[6]: expected an object {start, end, channel, speaker?, transcript}, got the string \"Hello\"",
            "results.utterances[7]: speaker must be a whole number from 0 to 10000, got the number -1",
            "results.utterances[8]: times must not be negative",
        ], Problems("""
            {"results": {"utterances": [
              {"start": 0, "end": 1, "channel": 0, "transcript": "Hi."},
              {"start": "soon", "end": 1, "channel": 0, "transcript": "Hi."},
              {"start": 0, "end": 1, "channel": 1.5, "transcript": "Hi."},
              {"start": 2.5, "end": 1, "channel": 0, "transcript": "Hi."},
              {"start": 0, "end": 1, "channel": 0, "transcript": 7},
              {"end": 1, "channel": 0, "transcript": "Hi."},
              "Hello",
              {"start": 0, "end": 1, "channel": 0, "speaker": -1, "transcript": "Hi."},
              {"start": -0.5, "end": 1, "channel": 0, "transcript": "Hi."}]}}
            """));

    [Fact]
    public void Word_problems_name_the_channel_and_word() =>
        Assert.Equal(
        [
            "results.channels[1].alternatives[0].words[1]: end 1.1 is before start 1.3",
            "results.channels[1].alternatives[0].words[2]: expected an object {word, start, end, speaker?, punctuated_word?}, got the number 3",
            "results.channels[1].alternatives[0].words[3]: word must be a string, got the number 12",
            "results.channels[1].alternatives[0].words[4]: start is required",
            "results.channels[2].alternatives must be an array, got the string \"none\"",
        ], Problems("""
            {"results": {"channels": [
              {"alternatives": [{"words": [{"word": "hi", "start": 0, "end": 0.2}]}]},
              {"alternatives": [{"words": [
                {"word": "a", "start": 1, "end": 1.2}, {"word": "b", "start": 1.3, "end": 1.1}, 3,
                {"word": 12, "start": 2, "end": 2.2}, {"word": "c", "end": 3}]}]},
              {"alternatives": "none"}]}}
            """));

    [Fact]
    public void Mono_without_speaker_labels_is_rejected_as_undecidable() =>
        Assert.Equal(["the response has one channel and no speaker labels, so the agent cannot be told from the caller: "
                      + "transcribe a stereo recording with multichannel=true, or a mono one with diarization (diarize_model)"],
            Problems(Words([("Hello there.", 0, 1, null), ("Hi.", 2, 3, null)])));

    [Fact]
    public void Mono_with_some_words_missing_their_speaker_is_rejected_naming_the_turn() =>
        Assert.Equal(["results.channels[0].alternatives[0].words[1]: speaker is missing while other words have one"],
            Problems(Words([("Hello there.", 0, 1, 0), ("Hi.", 2, 3, null)])));

    [Theory]
    [InlineData(2, "main_agent_channel_index 2 is not a channel of this response, which has 2 channels (0-1)")]
    [InlineData(-1, "main_agent_channel_index must be 0 or more, got -1")]
    public void Main_agent_channel_index_outside_the_channels_is_rejected(int index, string problem) =>
        Assert.Equal([problem], Problems(DeepgramFixtures.StereoUtterances, index));

    [Fact]
    public void Main_agent_channel_index_that_is_no_speaker_of_a_mono_response_is_rejected() =>
        Assert.Equal(["main_agent_channel_index 2 is not a speaker of this single-channel diarized response (speakers 0, 1)"],
            Problems(DeepgramFixtures.MonoDiarizedWords, 2));

    [Fact]
    public void More_than_twenty_bad_words_report_at_most_twenty_problems()
    {
        var words = string.Join(", ", Enumerable.Repeat("""{"word": "x", "start": "later", "end": 1}""", 30));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"results.channels[0].alternatives[0].words[{i}]: start must be a number of seconds, got the string \"later\""),
            Problems($$$"""{"results": {"channels": [{"alternatives": [{"words": [{{{words}}}]}]}]}}"""));
    }

    [Fact]
    public void More_than_twenty_bad_utterances_report_at_most_twenty_problems()
    {
        var utterances = string.Join(", ", Enumerable.Repeat("""{"start": 0, "end": 1, "channel": "left", "transcript": "x"}""", 30));

        Assert.Equal(20, Problems($$$"""{"results": {"utterances": [{{{utterances}}}]}}""").Count);
    }
}
