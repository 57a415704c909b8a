using System.ComponentModel.DataAnnotations;

namespace Cekura.Redaction;

/// <summary>How a redacted span sounds in the recording.</summary>
public enum AudioMaskMode
{
    /// <summary>Digital silence on the speaker's channel.</summary>
    Silence,

    /// <summary>A 1 kHz tone (by default), so a listener hears that something was removed.</summary>
    Tone,
}

/// <summary>
/// The redaction stage. Section <c>Redaction</c>:
/// <code>{"Redaction": {"CreditsPerMinute": 0.1, "AudioMask": "Silence", "AudioPaddingSeconds": 0.25, "ToneFrequencyHz": 1000}}</code>
/// </summary>
public sealed class RedactionOptions
{
    public const string Section = "Redaction";

    /// <summary>Price of redaction per call-minute (minutes rounded up to a tenth).</summary>
    [Range(0, 1_000_000)]
    public double CreditsPerMinute { get; set; } = 0.1;

    public AudioMaskMode AudioMask { get; set; } = AudioMaskMode.Silence;

    /// <summary>
    /// Seconds added before and after each span's estimated time in the audio (clamped to its turn): word times are
    /// estimated from character offsets within the turn, and speaking rate varies within a turn.
    /// </summary>
    [Range(0, 10)]
    public double AudioPaddingSeconds { get; set; } = 0.25;

    [Range(50, 8000)]
    public int ToneFrequencyHz { get; set; } = 1000;
}
