using System.Buffers.Binary;

namespace Cekura.Speech.Audio;

/// <summary>
/// Reads how much audio a RIFF/WAVE header claims. ffprobe cannot say: its wav demuxer sizes the data chunk by the
/// bytes actually present, so a file cut in half probes (and decodes) as a clean recording of half the length.
/// </summary>
public static class WaveHeader
{
    // Streaming writers that never seek back leave the data size unset; such a header claims nothing.
    private const uint UnknownSize = 0xFFFFFFFF;
    private const int MaxChunksBeforeData = 64;

    /// <summary>
    /// The seconds of audio the <c>data</c> chunk's declared size holds at the <c>fmt </c> chunk's byte rate, or null
    /// when the stream is not a plain RIFF/WAVE file or its header leaves the size open (0, 0xFFFFFFFF, RF64).
    /// </summary>
    public static double? ClaimedSeconds(Stream stream)
    {
        Span<byte> header = stackalloc byte[12];
        if (stream.ReadAtLeast(header, 12, throwOnEndOfStream: false) < 12
            || !header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            return null;
        }
        uint byteRate = 0;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> format = stackalloc byte[16];
        for (var i = 0; i < MaxChunksBeforeData; i++)
        {
            if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
            {
                return null;
            }
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("data"u8))
            {
                return byteRate == 0 || size is 0 or UnknownSize ? null : (double)size / byteRate;
            }
            var skip = (long)size + (size & 1); // chunks are padded to an even length
            if (chunk[..4].SequenceEqual("fmt "u8) && size >= 16)
            {
                if (stream.ReadAtLeast(format, 16, throwOnEndOfStream: false) < 16)
                {
                    return null;
                }
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(format[8..]);
                skip -= 16;
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
