using Cekura.Contracts.Calls;
using Cekura.Speech.Channels;

namespace Cekura.Speech.Tests.Channels;

public sealed class ChannelDetectorTests
{
    private static SpeakingSegment S(double start, double end) => new(start, end);

    private static TranscriptEntry Turn(string role, double? start, double? end, string content = "words") =>
        new() { Role = role, Content = content, StartTime = start, EndTime = end };

    private static readonly IReadOnlyList<SpeakingSegment> AgentSpeech = [S(0.5, 3.0), S(6.2, 9.0), S(12.4, 14.0)];
    private static readonly IReadOnlyList<SpeakingSegment> CallerSpeech = [S(3.6, 5.8), S(9.5, 12.0)];

    private static readonly IReadOnlyList<TranscriptEntry> Transcript =
    [
        Turn(TranscriptRoles.MainAgent, 0.5, 3.0), Turn(TranscriptRoles.TestingAgent, 3.6, 5.8),
        Turn(TranscriptRoles.MainAgent, 6.2, 9.0), Turn(TranscriptRoles.TestingAgent, 9.5, 12.0),
        Turn(TranscriptRoles.MainAgent, 12.4, 14.0),
    ];

    [Fact]
    public void A_given_channel_index_decides_with_full_confidence()
    {
        var decision = ChannelDetector.Decide(AgentSpeech, CallerSpeech, Transcript, givenAgentChannel: 1);

        Assert.Equal(new ChannelDecision(1, ChannelRules.MainAgentChannelIndex, 1.0), decision);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_channel_that_overlaps_the_agent_turns_is_the_agent(int agentChannel)
    {
        var (zero, one) = agentChannel == 0 ? (AgentSpeech, CallerSpeech) : (CallerSpeech, AgentSpeech);

        var decision = ChannelDetector.Decide(zero, one, Transcript, null);

        Assert.Equal(agentChannel, decision.AgentChannel);
        Assert.Equal(ChannelRules.TranscriptOverlap, decision.Rule);
        Assert.Equal(1.0, decision.Confidence, 3);
        Assert.Equal(0, decision.TranscriptShiftSeconds);
    }

    [Fact]
    public void Transcript_times_that_run_late_are_slid_back_onto_the_audio()
    {
        // Every transcript time is 1.2 s late: unshifted, the turns cover the other party's speech as much as their own.
        var late = Transcript.Select(t => t with { StartTime = t.StartTime + 1.2, EndTime = t.EndTime + 1.2 }).ToList();

        var decision = ChannelDetector.Decide(CallerSpeech, AgentSpeech, late, null);

        Assert.Equal(1, decision.AgentChannel);
        Assert.Equal(-1.2, decision.TranscriptShiftSeconds, 2);
        Assert.True(decision.Confidence > 0.9, $"confidence {decision.Confidence}");
    }

    [Fact]
    public void Without_timed_turns_the_first_speaker_in_the_transcript_speaks_first_on_its_channel()
    {
        var untimed = Transcript.Select(t => t with { StartTime = null, EndTime = null }).ToList();
        var callerFirst = new List<TranscriptEntry> { Turn(TranscriptRoles.TestingAgent, null, null) };
        callerFirst.AddRange(untimed);

        var agentFirst = ChannelDetector.Decide(CallerSpeech, AgentSpeech, untimed, null);
        var callerFirstDecision = ChannelDetector.Decide(CallerSpeech, AgentSpeech, callerFirst, null);

        Assert.Equal((1, ChannelRules.FirstSpeaker), (agentFirst.AgentChannel, agentFirst.Rule));
        Assert.Equal(0, callerFirstDecision.AgentChannel);
        Assert.Equal(1.0, agentFirst.Confidence, 3); // channel 1 leads by 3.1 s
    }

    [Fact]
    public void Without_any_transcript_the_agent_is_taken_to_greet_first()
    {
        var decision = ChannelDetector.Decide([S(2.0, 3.0)], [S(1.7, 2.5)], [], null);

        Assert.Equal((1, ChannelRules.FirstSpeaker), (decision.AgentChannel, decision.Rule));
        Assert.Equal(0.3, decision.Confidence, 3);
    }

    [Fact]
    public void Overlap_counts_each_second_of_speech_inside_turns()
    {
        var overlap = ChannelDetector.Overlap([S(0, 2), S(3, 5)], [S(1, 4), S(4.5, 10)]);

        Assert.Equal(1 + 1 + 0.5, overlap, 6);
    }
}
