using Cekura.Contracts.Calls;

namespace Cekura.TestSupport.Audio;

public enum Party
{
    Agent,
    Caller,
}

/// <summary>How the parties are laid out on the channels of the generated file.</summary>
public enum CallLayout
{
    /// <summary>One channel with both parties mixed.</summary>
    Mono,

    /// <summary>Two channels, one party each (the agent on <see cref="CallScript.AgentChannel"/>).</summary>
    Stereo,

    /// <summary>Two identical channels holding the mono mix, as some recorders write.</summary>
    DuplicatedMono,
}

public enum AudioContainer
{
    Wav,
    Mp3,
    Ogg,
}

/// <summary>
/// One turn: <paramref name="Text"/> spoken by espeak-ng from <paramref name="Start"/> seconds, or, without text,
/// <paramref name="Duration"/> seconds of stock speech cut to length.
/// </summary>
public sealed record ScriptTurn(Party Party, double Start, string? Text = null, double? Duration = null)
{
    public static ScriptTurn Say(Party party, double start, string text) => new(party, start, Text: text);

    public static ScriptTurn Talk(Party party, double start, double seconds) => new(party, start, Duration: seconds);
}

/// <summary>A call to synthesise. Levels are linear gains (1 = espeak's own level, about -22 dBFS RMS).</summary>
public sealed record CallScript
{
    public required IReadOnlyList<ScriptTurn> Turns { get; init; }

    public CallLayout Layout { get; init; } = CallLayout.Stereo;

    /// <summary>Stereo only: 0 or 1.</summary>
    public int AgentChannel { get; init; }

    /// <summary>Stereo only: each party also appears on the other's channel at this gain (0.05 ≈ -26 dB).</summary>
    public double CrossTalk { get; init; }

    public double AgentGain { get; init; } = 1;

    public double CallerGain { get; init; } = 1;

    /// <summary>Peak amplitude of white noise added to each channel (0.02 ≈ -39 dBFS RMS); 0 for none.</summary>
    public double NoiseAmplitude { get; init; }

    /// <summary>Silence (or noise) after the last turn.</summary>
    public double TailSeconds { get; init; } = 1;

    /// <summary>The encoded file's sample rate; the truth does not depend on it.</summary>
    public int SampleRate { get; init; } = 16_000;

    public AudioContainer Container { get; init; } = AudioContainer.Wav;

    /// <summary>Seeds the noise, so the same script gives the same file.</summary>
    public int Seed { get; init; } = 1;

    public string AgentVoice { get; init; } = "en-us";

    public string CallerVoice { get; init; } = "en-gb";
}

/// <summary>A generated recording and when each party truly spoke, measured on that party's own clean signal.</summary>
public sealed record GeneratedCall(
    string Path,
    double DurationSeconds,
    IReadOnlyList<SpeakingSegment> AgentSpeaking,
    IReadOnlyList<SpeakingSegment> CallerSpeaking)
{
    public IReadOnlyList<SpeakingSegment> Speaking(Party party) => party == Party.Agent ? AgentSpeaking : CallerSpeaking;

    /// <summary>Both parties' speech, merged like a mono channel would hear it.</summary>
    public IReadOnlyList<SpeakingSegment> AllSpeaking(double mergeGapSeconds) =>
        SpeechTruth.Merge(AgentSpeaking.Concat(CallerSpeaking).OrderBy(s => s.Start), mergeGapSeconds);
}
