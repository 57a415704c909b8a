namespace Cekura.Speech.VoiceActivity;

/// <summary>
/// Scores fixed windows of 16 kHz mono audio for speech. The detector holds what can be shared (a loaded model);
/// each channel gets its own <see cref="IVoiceActivityStream"/>, which holds that channel's running state.
/// </summary>
public interface IVoiceActivityDetector
{
    /// <summary>The name recorded with the results: <c>silero</c> or <c>energy</c>.</summary>
    string Name { get; }

    IVoiceActivityStream CreateStream();
}

/// <summary>One channel's detector state. Not thread-safe; feed windows in order.</summary>
public interface IVoiceActivityStream : IDisposable
{
    /// <summary>Speech probability (0..1) of the next <see cref="VoiceActivityWindow.Samples"/> samples.</summary>
    float Process(ReadOnlySpan<float> window);
}

/// <summary>The window every detector works on: 512 samples at 16 kHz (32 ms), Silero v5's fixed input.</summary>
public static class VoiceActivityWindow
{
    public const int SampleRate = 16_000;
    public const int Samples = 512;
    public const double Seconds = (double)Samples / SampleRate;
}
