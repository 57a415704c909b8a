namespace Cekura.Speech.Audio;

/// <summary>
/// Decides whether a fully decoded recording is whole, from what its container declares and what decoded.
/// Measured with Debian's ffmpeg 5.1: a WAV cut in half and a FLAC or WebM cut short declare their full length and
/// decode to the part that is there; garbage inside an MP3 decodes with "Header missing" errors and inflates
/// the bitrate-estimated length. Whole files from encoders differ from their declaration only by encoder delay and
/// padding (MP3 -0.07 s, AAC +0.04 s, Opus -0.01 s on a 10 s file), which the tolerance absorbs.
/// </summary>
public static class DecodeCompleteness
{
    /// <summary>Shortfall always tolerated, in seconds.</summary>
    public const double AbsoluteTolerance = 0.5;

    /// <summary>Shortfall tolerated per second of declared audio when the declaration is exact.</summary>
    public const double RelativeTolerance = 0.001;

    /// <summary>When the duration is only a bitrate estimate, a shortfall counts only beyond this fraction.</summary>
    public const double EstimateTolerance = 0.05;

    /// <summary>Why the decoded audio does not stand for the whole file, or null when it does.</summary>
    /// <param name="declaredSeconds">What the container (or a WAV header) declares; 0 when it declares nothing.</param>
    /// <param name="estimated">The declaration is a bitrate guess (MP3 without a Xing/Info header).</param>
    /// <param name="decodedSeconds">What decoding produced.</param>
    /// <param name="decodeErrors">The decoder reported damaged frames.</param>
    public static string? Problem(double declaredSeconds, bool estimated, double decodedSeconds, bool decodeErrors)
    {
        if (decodedSeconds <= 0)
        {
            return "the file contains no decodable audio";
        }
        if (declaredSeconds <= 0)
        {
            // Live-recorded WebM and streamed WAV declare no length; what decodes is all there is to judge.
            return null;
        }
        var shortfall = declaredSeconds - decodedSeconds;
        if (estimated)
        {
            // A VBR guess can be far off with nothing wrong, so only damaged frames plus a gap are evidence.
            return decodeErrors && shortfall > AbsoluteTolerance + EstimateTolerance * declaredSeconds
                ? $"the audio is corrupt: only {Seconds(decodedSeconds)} of about {Seconds(declaredSeconds)} decoded"
                : null;
        }
        return shortfall > AbsoluteTolerance + RelativeTolerance * declaredSeconds
            ? $"the file is truncated or corrupt: it declares {Seconds(declaredSeconds)} of audio but only {Seconds(decodedSeconds)} decoded"
            : null;
    }

    private static string Seconds(double seconds) => $"{seconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} s";
}
