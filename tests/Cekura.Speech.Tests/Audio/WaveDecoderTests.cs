using Cekura.Speech.Audio;
using Xunit.Abstractions;

namespace Cekura.Speech.Tests.Audio;

/// <summary>
/// <see cref="Ffmpeg.DecodeAsync"/> decodes uncompressed WAVs in process (<see cref="WaveDecoder"/>); each layout here is
/// decoded both ways, from the same speech-like file, and must give ffmpeg's frame count and, where no resampling is
/// involved, its very samples; resampled, the same signal within a small error and the same energy per 32 ms window
/// (what voice activity detection reads).
/// </summary>
public sealed class WaveDecoderTests(ITestOutputHelper output) : IDisposable
{
    private const int Rate = 16_000;
    private readonly string dir = Directory.CreateTempSubdirectory("cekura-wavedecode-").FullName;
    private readonly Ffmpeg ffmpeg = new(new FfmpegOptions());

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(16000, "pcm_s16le", 1)]
    [InlineData(16000, "pcm_s16le", 2)]
    [InlineData(8000, "pcm_s16le", 1)]
    [InlineData(8000, "pcm_alaw", 1)]
    [InlineData(8000, "pcm_mulaw", 2)]
    [InlineData(11025, "pcm_u8", 1)]
    [InlineData(22050, "pcm_s16le", 2)]
    [InlineData(44100, "pcm_s24le", 2)]
    [InlineData(48000, "pcm_f32le", 2)]
    [InlineData(32000, "pcm_s32le", 1)]
    [InlineData(24000, "pcm_f64le", 1)]
    public async Task An_uncompressed_wav_decodes_in_process_as_ffmpeg_decodes_it(int rate, string codec, int channels)
    {
        var path = await MakeAsync(rate, codec, channels);

        var (inProcessFrames, inProcess) = await DecodeAsync(path, channels, inProcess: true);
        var (ffmpegFrames, reference) = await DecodeAsync(path, channels, inProcess: false);

        Assert.Equal(ffmpegFrames, inProcessFrames);
        Assert.Equal(reference.Length, inProcess.Length);
        if (rate == Rate)
        {
            Assert.Equal(reference, inProcess);
            return;
        }
        // Another resampler than ffmpeg's (NAudio's WDL: interpolation and a low-pass, where ffmpeg's is a windowed
        // sinc): not the same samples, but the same signal at most two output samples (0.125 ms) later, and the same
        // energy in every 32 ms window that is not silence, which is what the voice activity analysis reads.
        var (lag, snr) = Enumerable.Range(-8, 17)
            .Select(l => (l, SignalToErrorDb(reference.AsSpan(Math.Max(0, l) * channels), inProcess.AsSpan(Math.Max(0, -l) * channels))))
            .MaxBy(x => x.Item2);
        var (worstWindowDb, windows) = WorstWindowEnergyDifferenceDb(reference, inProcess, channels);
        output.WriteLine($"{rate} Hz {codec} x{channels}: {inProcessFrames} frames; best alignment {lag} samples, SNR {snr:F1} dB there; worst 32 ms window {worstWindowDb:F2} dB of {windows}");
        Assert.InRange(lag, -2, 0);
        Assert.True(snr > 15, $"signal to error {snr:F1} dB at the best alignment");
        Assert.True(windows > 100, $"only {windows} windows above silence");
        Assert.True(worstWindowDb < 1.5, $"a 32 ms window's energy differs by {worstWindowDb:F2} dB");
    }

    [Fact]
    public async Task A_compressed_file_still_goes_to_ffmpeg()
    {
        var wav = await MakeAsync(16000, "pcm_s16le", 1);
        var flac = Path.Combine(dir, "speech.flac");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-i", wav, flac);

        await using (var file = File.OpenRead(flac))
        {
            Assert.Null(WaveDecoder.Decode(file, Rate, 1, _ => { }, CancellationToken.None));
        }
        var (frames, samples) = await DecodeAsync(flac, 1, inProcess: true);
        Assert.Equal((await DecodeAsync(wav, 1, inProcess: false)).Samples, samples);
        Assert.Equal(samples.Length, frames);
    }

    private async Task<string> MakeAsync(int rate, string codec, int channels)
    {
        // Two different voices (a sweep and a tone burst pattern) with pauses, so channels and silences differ.
        var source = Path.Combine(dir, "source.wav");
        if (!File.Exists(source))
        {
            await Tools.RunAsync("sox", "-n", "-r", "22050", "-c", "2", source,
                "synth", "4", "sine", "200-2000", "sine", "300-900", "synth", "4", "sine", "amod", "0.7", "tremolo", "3", "90", "pad", "0.5", "1.5");
        }
        var path = Path.Combine(dir, $"{rate}-{codec}-{channels}.wav");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-i", source, "-ar", rate.ToString(), "-ac", channels.ToString(), "-c:a", codec, path);
        return path;
    }

    private async Task<(long Frames, float[] Samples)> DecodeAsync(string path, int channels, bool inProcess)
    {
        var samples = new List<float>();
        PcmBlockHandler collect = block => samples.AddRange(block.ToArray());
        var frames = inProcess
            ? await ffmpeg.DecodeAsync(path, Rate, channels, collect, CancellationToken.None)
            : await ffmpeg.DecodeWithFfmpegAsync(path, Rate, channels, collect, CancellationToken.None);
        return (frames, samples.ToArray());
    }

    private static double SignalToErrorDb(ReadOnlySpan<float> reference, ReadOnlySpan<float> actual)
    {
        double signal = 0, error = 0;
        for (var i = 0; i < Math.Min(reference.Length, actual.Length); i++)
        {
            signal += reference[i] * (double)reference[i];
            var e = reference[i] - (double)actual[i];
            error += e * e;
        }
        return 10 * Math.Log10(signal / Math.Max(error, 1e-12));
    }

    private static (double WorstDb, int Windows) WorstWindowEnergyDifferenceDb(float[] reference, float[] actual, int channels)
    {
        const int window = Rate * 32 / 1000;
        var worst = 0.0;
        var counted = 0;
        for (var start = 0; start + window * channels <= reference.Length; start += window * channels)
        {
            var (a, b) = (Energy(reference.AsSpan(start, window * channels)), Energy(actual.AsSpan(start, window * channels)));
            if (a < 1e-4)
            {
                continue; // below -40 dBFS: silence either way
            }
            counted++;
            worst = Math.Max(worst, Math.Abs(10 * Math.Log10(b / a)));
        }
        return (worst, counted);
    }

    private static double Energy(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * (double)s;
        }
        return sum / samples.Length;
    }
}
