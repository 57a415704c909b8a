namespace Cekura.Ingest.Recordings;

/// <summary>
/// Recognises the container of an uploaded recording from its first bytes. This is a gate against non-audio
/// uploads; decoding and measuring the audio is the transcription stage's job.
/// </summary>
public static class AudioFormat
{
    public const int HeaderLength = 64;

    public sealed record Detected(string Format, string ContentType, string Extension);

    public static Detected? Detect(ReadOnlySpan<byte> header)
    {
        if (Starts(header, "RIFF"u8) && header.Length >= 12 && header[8..12].SequenceEqual("WAVE"u8))
        {
            return new("wav", "audio/wav", "wav");
        }
        if (Starts(header, "fLaC"u8))
        {
            return new("flac", "audio/flac", "flac");
        }
        if (Starts(header, "OggS"u8))
        {
            return new("ogg", "audio/ogg", "ogg");
        }
        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8))
        {
            return new("m4a", "audio/mp4", "m4a");
        }
        if (Starts(header, [0x1A, 0x45, 0xDF, 0xA3]))
        {
            return new("webm", "audio/webm", "webm");
        }
        if (Starts(header, "ID3"u8) || IsMpegFrameSync(header))
        {
            return new("mp3", "audio/mpeg", "mp3");
        }
        return null;
    }

    private static bool Starts(ReadOnlySpan<byte> header, ReadOnlySpan<byte> magic) => header.StartsWith(magic);

    // MPEG audio frame: 11 sync bits, a valid version and layer III/II, and a bitrate index that is not "bad".
    private static bool IsMpegFrameSync(ReadOnlySpan<byte> h) =>
        h.Length >= 3 && h[0] == 0xFF && (h[1] & 0xE0) == 0xE0 && (h[1] & 0x18) != 0x08 && (h[1] & 0x06) != 0
        && (h[2] & 0xF0) != 0xF0;
}
