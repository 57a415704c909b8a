using Cekura.Contracts.Calls;
using Cekura.Redaction.Audio;
using Cekura.Redaction.Transcripts;

namespace Cekura.Redaction.Tests.Audio;

public sealed class AudioRedactionPlannerTests
{
    private const double Padding = 0.25;

    // 40 characters over 4 s: 10 characters per second, so character 20 is 2 s into the turn.
    private static readonly string Forty = new('a', 40);

    private static RecordingData Stereo(int agentChannel = 1, double? shift = null) => new()
    {
        SampleRate = 16000, Channels = 2, TotalDuration = 60, SeparableChannels = true, MainAgentChannelIndex = agentChannel,
        TranscriptShift = shift, VoiceActivityDetector = "energy",
    };

    private static TextRedaction Span(int entry, int start, int length) => new(entry, RedactedField.Content, start, length, "credit_card");

    [Fact]
    public void A_span_is_placed_proportionally_within_its_turn_widened_and_on_its_speakers_channel()
    {
        var transcript = new[]
        {
            new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = Forty, StartTime = 10, EndTime = 14 },
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = Forty, StartTime = 20, EndTime = 24 },
        };

        var plan = AudioRedactionPlanner.Plan(transcript, [Span(0, 20, 10), Span(1, 0, 10)], Stereo(agentChannel: 1), 60, Padding);

        Assert.Equal(0, plan.UnlocatedSpans);
        Assert.Equal(2, plan.Windows.Count);
        // The caller's turn: chars 20..30 → 12 s..13 s, ±0.25 s. The agent's: chars 0..10 → 20..21 s, clamped at the turn start.
        AssertWindow(new MaskWindow(0, 11.75, 13.25), plan.Windows.Single(w => w.Channel == 0));
        AssertWindow(new MaskWindow(1, 20, 21.25), plan.Windows.Single(w => w.Channel == 1));
    }

    [Fact]
    public void The_transcript_shift_moves_the_window_onto_the_audios_clock()
    {
        var transcript = new[] { new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = Forty, StartTime = 10, EndTime = 14 } };

        var plan = AudioRedactionPlanner.Plan(transcript, [Span(0, 20, 10)], Stereo(agentChannel: 0, shift: -0.5), 60, Padding);

        AssertWindow(new MaskWindow(0, 11.25, 12.75), plan.Windows.Single());
    }

    [Fact]
    public void Without_separable_channels_every_channel_is_masked()
    {
        var transcript = new[] { new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = Forty, StartTime = 10, EndTime = 14 } };

        var plan = AudioRedactionPlanner.Plan(transcript, [Span(0, 20, 10)], Stereo() with { SeparableChannels = false }, 60, Padding);

        Assert.Null(plan.Windows.Single().Channel);
    }

    [Fact]
    public void A_span_in_an_untimed_turn_masks_its_speakers_whole_channel_and_is_counted()
    {
        var transcript = new[] { new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = Forty } };

        var plan = AudioRedactionPlanner.Plan(transcript, [Span(0, 5, 5)], Stereo(agentChannel: 1), 60, Padding);

        Assert.Equal(1, plan.UnlocatedSpans);
        AssertWindow(new MaskWindow(0, 0, 60), plan.Windows.Single());
    }

    [Fact]
    public void A_turn_whose_times_do_not_fit_its_text_is_masked_whole()
    {
        // 40 characters in 30 s is far slower than speech: the text cannot be placed inside the turn.
        var transcript = new[] { new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = Forty, StartTime = 10, EndTime = 40 } };

        var plan = AudioRedactionPlanner.Plan(transcript, [Span(0, 20, 10)], Stereo(agentChannel: 0), 60, Padding);

        AssertWindow(new MaskWindow(0, 10, 40), plan.Windows.Single());
    }

    [Fact]
    public void Overlapping_windows_of_one_channel_are_merged()
    {
        var transcript = new[] { new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = Forty, StartTime = 10, EndTime = 14 } };

        var plan = AudioRedactionPlanner.Plan(transcript, [Span(0, 10, 5), Span(0, 16, 4)], Stereo(agentChannel: 0), 60, Padding);

        AssertWindow(new MaskWindow(0, 10.75, 12.25), plan.Windows.Single());
    }

    private static void AssertWindow(MaskWindow expected, MaskWindow actual)
    {
        Assert.Equal(expected.Channel, actual.Channel);
        Assert.Equal(expected.Start, actual.Start, 6);
        Assert.Equal(expected.End, actual.End, 6);
    }
}
