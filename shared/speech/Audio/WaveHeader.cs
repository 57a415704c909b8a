using System.Buffers.Binary;

namespace Cekura.Speech.Audio;

/// <summary>
/// Reads a RIFF/WAVE header. ffprobe cannot say how much audio a WAV claims: its wav demuxer sizes the data chunk by the
/// bytes actually present, so a file cut in half probes (and decodes) as a clean recording of half the length.
/// </summary>
public static class WaveHeader
{
    // Streaming writers that never seek back leave the data size unset; such a header claims nothing.
    private const uint UnknownSize = 0xFFFFFFFF;
    private const int MaxChunksBeforeData = 64;

    /// <summary>What a plain RIFF/WAVE header says: the <c>fmt </c> chunk's first fields and where the data starts.</summary>
    /// <param name="DataOffset">Bytes before the first byte of the <c>data</c> chunk's content.</param>
    /// <param name="DataSize">The <c>data</c> chunk's declared size (0 or 0xFFFFFFFF when the writer left it open).</param>
    private sealed record Header(
        int FormatTag, int Channels, int SampleRate, uint ByteRate, int BlockAlign, int BitsPerSample, long DataOffset, uint DataSize);

    /// <summary>
    /// The seconds of audio the <c>data</c> chunk's declared size holds at the <c>fmt </c> chunk's byte rate, or null
    /// when the stream is not a plain RIFF/WAVE file or its header leaves the size open (0, 0xFFFFFFFF, RF64).
    /// </summary>
    public static double? ClaimedSeconds(Stream stream) =>
        Read(stream) is { ByteRate: > 0, DataSize: not (0 or UnknownSize) } header ? (double)header.DataSize / header.ByteRate : null;

    /// <summary>
    /// The facts of an uncompressed WAV (PCM, float, A-law or µ-law, the layouts ffmpeg's own codecs name) whose header
    /// is consistent and declares its size; null for anything else, which needs a real decoder. Every byte of such a
    /// file's data is a sample, so nothing is left to decode: what is there is the data present up to the declared size.
    /// </summary>
    /// <returns>ffmpeg's codec name, the layout, and the seconds declared and present.</returns>
    public static (string Codec, int SampleRate, int Channels, double DeclaredSeconds, double PresentSeconds)? Uncompressed(Stream stream)
    {
        if (Read(stream) is not { DataSize: not (0 or UnknownSize) } header || Layout(header) is not { } codec)
        {
            return null;
        }
        var present = Math.Min(header.DataSize, Math.Max(0, stream.Length - header.DataOffset));
        present -= present % header.BlockAlign; // a partial last frame does not decode
        return (codec, header.SampleRate, header.Channels, (double)header.DataSize / header.ByteRate, (double)present / header.ByteRate);
    }

    /// <summary>ffmpeg's name of the header's codec when its layout is consistent; null when it is not uncompressed.</summary>
    private static string? Layout(Header header) =>
        Codec(header.FormatTag, header.BitsPerSample) is { } codec
        && header.Channels >= 1 && header.SampleRate >= 1
        && header.BlockAlign == header.Channels * header.BitsPerSample / 8
        && header.ByteRate == (uint)header.SampleRate * (uint)header.BlockAlign
            ? codec
            : null;

    /// <summary>
    /// Where an uncompressed WAV's samples are, for decoding it in process: <see cref="Uncompressed"/>'s files, with the
    /// byte layout and the whole frames present up to the declared size. Null for anything else.
    /// </summary>
    internal static (string Codec, int SampleRate, int Channels, int BlockAlign, long DataOffset, long PresentBytes)? Samples(Stream stream)
    {
        if (Read(stream) is not { DataSize: not (0 or UnknownSize) } header || Layout(header) is not { } codec)
        {
            return null;
        }
        var present = Math.Min(header.DataSize, Math.Max(0, stream.Length - header.DataOffset));
        present -= present % header.BlockAlign;
        return (codec, header.SampleRate, header.Channels, header.BlockAlign, header.DataOffset, present);
    }

    // The names ffprobe gives these formats (WAVE_FORMAT_PCM 1, IEEE_FLOAT 3, ALAW 6, MULAW 7).
    private static string? Codec(int formatTag, int bits) => (formatTag, bits) switch
    {
        (1, 8) => "pcm_u8",
        (1, 16) => "pcm_s16le",
        (1, 24) => "pcm_s24le",
        (1, 32) => "pcm_s32le",
        (3, 32) => "pcm_f32le",
        (3, 64) => "pcm_f64le",
        (6, 8) => "pcm_alaw",
        (7, 8) => "pcm_mulaw",
        _ => null,
    };

    private const int Extensible = 0xFFFE;

    // The tail every KSDATAFORMAT_SUBTYPE GUID shares: {xxxxxxxx-0000-0010-8000-00aa00389b71}.
    private static ReadOnlySpan<byte> SubtypeTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>
    /// The format tag, or for WAVE_FORMAT_EXTENSIBLE (what ffmpeg writes above 16 bits or 2 channels) the tag its
    /// sub-format stands for when every bit is valid; 0 when that cannot be told.
    /// </summary>
    private static int FormatTag(ReadOnlySpan<byte> fmt)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        if (tag != Extensible)
        {
            return tag;
        }
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        return fmt.Length >= 40 && BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]) == bits && fmt[26..40].SequenceEqual(SubtypeTail)
            ? BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..])
            : 0;
    }

    private static Header? Read(Stream stream)
    {
        Span<byte> riff = stackalloc byte[12];
        if (stream.ReadAtLeast(riff, 12, throwOnEndOfStream: false) < 12
            || !riff[..4].SequenceEqual("RIFF"u8) || !riff[8..12].SequenceEqual("WAVE"u8))
        {
            return null;
        }
        Header? format = null;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[40];
        for (var i = 0; i < MaxChunksBeforeData; i++)
        {
            if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
            {
                return null;
            }
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("data"u8))
            {
                return format is null || !stream.CanSeek ? null : format with { DataOffset = stream.Position, DataSize = size };
            }
            var skip = (long)size + (size & 1); // chunks are padded to an even length
            if (chunk[..4].SequenceEqual("fmt "u8) && size >= 16)
            {
                var length = (int)Math.Min(size, (uint)fmt.Length);
                if (stream.ReadAtLeast(fmt[..length], length, throwOnEndOfStream: false) < length)
                {
                    return null;
                }
                format = new Header(
                    FormatTag: FormatTag(fmt[..length]),
                    Channels: BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]),
                    SampleRate: (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..])),
                    ByteRate: BinaryPrimitives.ReadUInt32LittleEndian(fmt[8..]),
                    BlockAlign: BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]),
                    BitsPerSample: BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]),
                    DataOffset: 0, DataSize: 0);
                skip -= length;
            }
            if (!stream.CanSeek)
            {
                return null;
            }
            stream.Seek(skip, SeekOrigin.Current);
        }
        return null;
    }
}
