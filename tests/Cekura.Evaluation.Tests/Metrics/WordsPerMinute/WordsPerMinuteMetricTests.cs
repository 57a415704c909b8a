using Cekura.Contracts.Calls;
using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.WordsPerMinute;

namespace Cekura.Evaluation.Tests.Metrics.WordsPerMinute;

public sealed class WordsPerMinuteMetricTests
{
    private static TranscriptEntry Caller(string content, double? start, double? end) =>
        new() { Role = TranscriptRoles.TestingAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Agent(string content, double? start, double? end) =>
        new() { Role = TranscriptRoles.MainAgent, Content = content, StartTime = start, EndTime = end };

    private static readonly TranscriptEntry[] Transcript =
    [
        Agent("Hello there, how can I help you today?", 0, 4), // 8 words, 4 s
        Caller("Book a table please.", 4.5, 5.5),
        Agent("Sure - one moment.", 6, 8),                     // "-" is no word: 3 words, 2 s
        Agent("Extra words here", null, null),                 // 3 words, untimed
    ];

    [Fact]
    public void Hand_computed_transcript_rate_uses_only_timed_agent_turns()
    {
        // (8 + 3) words / ((4 + 2) s / 60) = 11 / 0.1 = 110 wpm; the untimed turn's words have no time to go with.
        var result = WordsPerMinuteMetric.Compute(Transcript, SpeechTurns.Choose(Transcript, recording: null));

        Assert.Equal(110, result.Wpm!.Value, precision: 9);
        Assert.Equal(11, result.Words);
        Assert.Equal(6, result.AgentSeconds, precision: 9);
    }

    [Fact]
    public void Hand_computed_recording_rate_counts_every_agent_turns_words_over_the_agents_segments()
    {
        // Segments 0-4 and 6-9: 7 s. Words 8 + 3 + 3 = 14. 14 / (7 / 60) = 120 wpm.
        var recording = new RecordingData
        {
            SampleRate = 8000, Channels = 2, TotalDuration = 10, SeparableChannels = true,
            MainSpeaking = [new(0, 4), new(6, 9)], TestingSpeaking = [new(4.5, 5.5)], MainAgentChannelIndex = 0,
            VoiceActivityDetector = "silero",
        };

        var result = WordsPerMinuteMetric.Compute(Transcript, SpeechTurns.Choose(Transcript, recording));

        Assert.Equal(120, result.Wpm!.Value, precision: 9);
        Assert.Equal(14, result.Words);
    }

    [Fact]
    public void No_agent_speaking_time_gives_no_rate()
    {
        TranscriptEntry[] transcript = [Caller("Hello?", 0, 1), Agent("untimed reply", null, null)];

        Assert.Null(WordsPerMinuteMetric.Compute(transcript, SpeechTurns.Choose(transcript, null)).Wpm);
    }

    [Theory]
    [InlineData("Hello there", 2)]
    [InlineData("  ok ...  - 42 ", 2)]
    [InlineData("", 0)]
    public void Words_are_whitespace_tokens_with_a_letter_or_digit(string text, int words) =>
        Assert.Equal(words, WordsPerMinuteMetric.CountWords(text));
}
