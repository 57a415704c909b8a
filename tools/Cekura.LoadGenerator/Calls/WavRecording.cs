using System.Buffers.Binary;

namespace Cekura.LoadGenerator.Calls;

/// <summary>
/// A real 16-bit PCM mono WAV of a conversation: during each turn a voiced sound (a harmonic series at a speaker's
/// pitch, amplitude-modulated at a syllable rate, with a little noise), faint noise between turns. Ingest decodes every
/// recording whole with ffmpeg and the transcription stage runs voice activity on it, so it must be genuine audio.
/// </summary>
public static class WavRecording
{
    public const int SampleRate = 8000;

    public static byte[] Generate(IReadOnlyList<Turn> turns, Random random, double tailSeconds = 0.5)
    {
        var seconds = (turns.Count == 0 ? 0 : turns[^1].End) + tailSeconds;
        var samples = (int)Math.Ceiling(seconds * SampleRate);
        var pcm = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            pcm[i] = (short)((random.NextDouble() - 0.5) * 120); // room noise
        }
        foreach (var turn in turns)
        {
            var pitch = turn.IsAgent ? 180.0 : 120.0;
            var from = (int)(turn.Start * SampleRate);
            var to = Math.Min(samples, (int)(turn.End * SampleRate));
            for (var i = from; i < to; i++)
            {
                var t = (double)i / SampleRate;
                var syllable = 0.55 + 0.45 * Math.Sin(2 * Math.PI * 4.0 * t);
                var voiced = Math.Sin(2 * Math.PI * pitch * t) + 0.5 * Math.Sin(4 * Math.PI * pitch * t) + 0.25 * Math.Sin(6 * Math.PI * pitch * t);
                pcm[i] = (short)Math.Clamp(pcm[i] + 5000 * syllable * voiced + (random.NextDouble() - 0.5) * 600, short.MinValue, short.MaxValue);
            }
        }
        return Encode(pcm);
    }

    /// <summary>The canonical 44-byte RIFF header followed by the samples, little-endian.</summary>
    public static byte[] Encode(ReadOnlySpan<short> pcm)
    {
        var data = pcm.Length * 2;
        var bytes = new byte[44 + data];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + data);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);            // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);            // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);            // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data);
        for (var i = 0; i < pcm.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], pcm[i]);
        }
        return bytes;
    }
}
