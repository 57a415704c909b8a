namespace Cekura.Contracts.Calls;

/// <summary>
/// What the transcription stage measured in the call's recording: its format, and when each side was speaking.
/// Times are seconds from the start of the recording (which is the call's start).
/// </summary>
public sealed record RecordingData
{
    /// <summary>The recording's own sample rate (voice activity is measured on a 16 kHz copy).</summary>
    public required int SampleRate { get; init; }
    public required int Channels { get; init; }

    /// <summary>The decoded length in seconds.</summary>
    public required double TotalDuration { get; init; }

    /// <summary>
    /// True when the recording has one party per channel (a stereo call recording), so each channel's voice activity
    /// is that party's. False for mono, and for stereo whose channels carry the same mix.
    /// </summary>
    public required bool SeparableChannels { get; init; }

    /// <summary>The agent's speech; empty unless the channels are separable.</summary>
    public IReadOnlyList<SpeakingSegment> MainSpeaking { get; init; } = [];

    /// <summary>The other party's speech; empty unless the channels are separable.</summary>
    public IReadOnlyList<SpeakingSegment> TestingSpeaking { get; init; } = [];

    /// <summary>Voice activity of each channel in channel order, whatever the channels hold.</summary>
    public IReadOnlyList<IReadOnlyList<SpeakingSegment>> ChannelSpeaking { get; init; } = [];

    /// <summary>Which channel is the agent (separable recordings only).</summary>
    public int? MainAgentChannelIndex { get; init; }

    /// <summary>How <see cref="MainAgentChannelIndex"/> was decided: one of <see cref="ChannelRules"/>.</summary>
    public string? ChannelRule { get; init; }

    /// <summary>0..1: how clearly the rule separated the two channels (1 when the client named the channel).</summary>
    public double? ChannelConfidence { get; init; }

    /// <summary>
    /// Seconds to add to the transcript's times to line them up with the audio, as found by channel detection
    /// (<c>transcript_overlap</c> only; negative when the provider's times run late).
    /// </summary>
    public double? TranscriptShift { get; init; }

    /// <summary>The voice-activity detector that produced the segments: <c>silero</c> or <c>energy</c>.</summary>
    public required string VoiceActivityDetector { get; init; }
}

/// <summary>A stretch of speech on one channel, in seconds from the start of the recording.</summary>
public sealed record SpeakingSegment(double Start, double End);

/// <summary>The rules that can decide which channel of a stereo recording is the agent.</summary>
public static class ChannelRules
{
    /// <summary>The client named it in <c>main_agent_channel_index</c>.</summary>
    public const string MainAgentChannelIndex = "main_agent_channel_index";

    /// <summary>The channel whose speech overlaps the transcript's Main Agent turns the most.</summary>
    public const string TranscriptOverlap = "transcript_overlap";

    /// <summary>No timed transcript: the channel that speaks first is the party that speaks first in the transcript.</summary>
    public const string FirstSpeaker = "first_speaker";
}
