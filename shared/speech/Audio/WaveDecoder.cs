using System.Buffers.Binary;
using NAudio.Codecs;
using NAudio.Dsp;

namespace Cekura.Speech.Audio;

/// <summary>
/// Decodes an uncompressed WAV (the layouts <see cref="WaveHeader.Samples"/> names) in process, giving what
/// <see cref="Ffmpeg.DecodeAsync"/> gives from ffmpeg: the first <c>channels</c> channels, resampled to the wanted
/// rate (NAudio's WDL resampler), as 16-bit values. Every byte of such a file is a sample, so a child process only
/// added its start: on the build VM an ffmpeg start (loading its hundred-odd shared libraries) cost more CPU than
/// decoding the whole recording, and with one recorded call in ten that start was a third of the machine's CPU.
/// </summary>
internal static class WaveDecoder
{
    private const int BlockFrames = 4096;

    /// <returns>The frames handed to <paramref name="onBlock"/>, or null when the file is not such a WAV.</returns>
    public static long? Decode(Stream stream, int sampleRate, int channels, PcmBlockHandler onBlock, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (WaveHeader.Samples(stream) is not { } wave || wave.Channels < channels || Sample(wave.Codec) is not { } read)
        {
            return null;
        }
        stream.Position = wave.DataOffset;
        var bytesPerSample = wave.BlockAlign / wave.Channels;
        var inputFrames = wave.PresentBytes / wave.BlockAlign;
        var output = new Output(channels, onBlock);
        var resampler = wave.SampleRate == sampleRate ? null : Resampler(wave.SampleRate, sampleRate);
        var ratio = (double)sampleRate / wave.SampleRate;
        var bytes = new byte[BlockFrames * wave.BlockAlign];
        var samples = new float[BlockFrames * channels];
        for (var done = 0L; done < inputFrames;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var frames = (int)Math.Min(BlockFrames, inputFrames - done);
            stream.ReadExactly(bytes, 0, frames * wave.BlockAlign);
            for (var f = 0; f < frames; f++)
            {
                for (var c = 0; c < channels; c++)
                {
                    samples[f * channels + c] = read(bytes.AsSpan(f * wave.BlockAlign + c * bytesPerSample, bytesPerSample));
                }
            }
            Emit(resampler, ratio, samples.AsSpan(0, frames * channels), channels, output);
            done += frames;
        }
        if (resampler is not null)
        {
            // The resampler holds back a few frames; feed silence until the output is as long as the input's duration
            // at the new rate (what ffmpeg writes), then stop there.
            var expected = (long)Math.Round(inputFrames * ratio);
            Array.Clear(samples);
            while (output.Frames < expected)
            {
                output.Limit = expected;
                Emit(resampler, ratio, samples.AsSpan(0, BlockFrames * channels), channels, output);
            }
        }
        return output.Frames;
    }

    private static WdlResampler Resampler(int from, int to)
    {
        var resampler = new WdlResampler();
        // NAudio's defaults (WdlResamplingSampleProvider): interpolation with two low-pass passes, fed by the input.
        resampler.SetMode(true, 2, false);
        resampler.SetFilterParms();
        resampler.SetFeedMode(true);
        resampler.SetRates(from, to);
        return resampler;
    }

    private static void Emit(WdlResampler? resampler, double ratio, ReadOnlySpan<float> interleaved, int channels, Output output)
    {
        if (resampler is null)
        {
            output.Write(interleaved);
            return;
        }
        var frames = interleaved.Length / channels;
        var wanted = resampler.ResamplePrepare(frames, channels, out var input);
        interleaved[..(wanted * channels)].CopyTo(input);
        var room = (int)Math.Ceiling(frames * ratio) + 64;
        var resampled = new float[room * channels];
        var produced = resampler.ResampleOut(resampled, wanted, room, channels);
        output.Write(resampled.AsSpan(0, produced * channels));
    }

    /// <summary>The reader of one sample of <paramref name="codec"/> (ffmpeg's names), scaled to [-1, 1).</summary>
    private static Func<ReadOnlySpan<byte>, float>? Sample(string codec) => codec switch
    {
        "pcm_u8" => b => (b[0] - 128) / 128f,
        "pcm_s16le" => b => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f,
        "pcm_s24le" => b => (b[0] | b[1] << 8 | (sbyte)b[2] << 16) / 8388608f,
        "pcm_s32le" => b => BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648f,
        "pcm_f32le" => b => BinaryPrimitives.ReadSingleLittleEndian(b),
        "pcm_f64le" => b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        "pcm_alaw" => b => ALawDecoder.ALawToLinearSample(b[0]) / 32768f,
        "pcm_mulaw" => b => MuLawDecoder.MuLawToLinearSample(b[0]) / 32768f,
        _ => null,
    };

    /// <summary>Hands blocks on as ffmpeg's <c>-f s16le</c> output reads: each sample rounded to 16 bits.</summary>
    private sealed class Output(int channels, PcmBlockHandler onBlock)
    {
        public long Frames { get; private set; }

        /// <summary>Frames beyond this are dropped (the resampler's flush).</summary>
        public long Limit { get; set; } = long.MaxValue;

        public void Write(ReadOnlySpan<float> interleaved)
        {
            var frames = (int)Math.Min(interleaved.Length / channels, Limit - Frames);
            if (frames <= 0)
            {
                return;
            }
            var block = new float[frames * channels];
            for (var i = 0; i < block.Length; i++)
            {
                block[i] = Math.Clamp(MathF.Round(interleaved[i] * 32768f), -32768f, 32767f) / 32768f;
            }
            onBlock(block);
            Frames += frames;
        }
    }
}
