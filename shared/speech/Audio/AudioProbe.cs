namespace Cekura.Speech.Audio;

/// <summary>What ffprobe says about a recording's first audio stream.</summary>
/// <param name="Container">ffprobe's <c>format_name</c>, e.g. <c>wav</c>, <c>mp3</c>, <c>ogg</c>, <c>mov,mp4,m4a,3gp,3g2,mj2</c>.</param>
/// <param name="Codec">The audio codec, e.g. <c>pcm_s16le</c>, <c>mp3</c>, <c>opus</c>, <c>aac</c>.</param>
/// <param name="DurationSeconds">The duration the container declares (or the stream, when the container has none).</param>
/// <param name="BitRate">Bits per second of the stream (else of the container); null when ffprobe gives neither, and
/// for a WAV checked from its header, whose re-encode needs none.</param>
public sealed record AudioProbe(string Container, string Codec, int SampleRate, int Channels, double DurationSeconds, long? BitRate = null);

/// <summary>The file is not audio we can decode; <see cref="Exception.Message"/> says why, in words for the client.</summary>
public sealed class AudioDecodeException(string message) : Exception(message);

/// <summary>Every decoder slot stayed busy for <see cref="Wait"/>: the process is overloaded, the file was not looked at.</summary>
public sealed class AudioBusyException(TimeSpan wait)
    : Exception($"every audio decoder of this process stayed busy for {wait.TotalSeconds:0.##} s")
{
    public TimeSpan Wait { get; } = wait;
}

/// <summary>Receives decoded PCM: interleaved samples in -1..1, <c>channels</c> values per frame.</summary>
public delegate void PcmBlockHandler(ReadOnlySpan<float> interleaved);

/// <summary>The recording is longer than the configured limit.</summary>
public sealed class AudioTooLongException(double durationSeconds, double limitSeconds)
    : Exception($"the recording is {Describe(durationSeconds)} long; the limit is {Describe(limitSeconds)}")
{
    public double DurationSeconds { get; } = durationSeconds;

    public double LimitSeconds { get; } = limitSeconds;

    /// <summary>"4 h (14400 s)", "90 s": the unit a reader thinks in, with the exact seconds the setting takes.</summary>
    public static string Describe(double seconds)
    {
        var whole = Math.Round(seconds, 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return seconds switch
        {
            >= 3600 => $"{Math.Round(seconds / 3600, 2).ToString(System.Globalization.CultureInfo.InvariantCulture)} h ({whole} s)",
            >= 60 => $"{Math.Round(seconds / 60, 1).ToString(System.Globalization.CultureInfo.InvariantCulture)} min ({whole} s)",
            _ => $"{whole} s",
        };
    }
}
