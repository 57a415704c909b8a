using Cekura.Speech.Audio;

namespace Cekura.Speech.Tests.Audio;

public sealed class FfmpegTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cekura-ffmpeg-").FullName;
    private readonly Ffmpeg ffmpeg = new(new FfmpegOptions());

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Probe_reads_rate_channels_and_duration_of_a_stereo_wav()
    {
        var path = Path.Combine(dir, "tone.wav");
        await Tools.RunAsync("sox", "-n", "-r", "8000", "-c", "2", "-b", "16", path, "synth", "1.5", "sine", "440");

        var probe = await ffmpeg.ProbeAsync(path, CancellationToken.None);

        Assert.Equal(("wav", "pcm_s16le", 8000, 2), (probe.Container, probe.Codec, probe.SampleRate, probe.Channels));
        Assert.Equal(1.5, probe.DurationSeconds, 3);
    }

    [Fact]
    public async Task Decode_streams_16_kHz_frames_for_each_channel()
    {
        var path = Path.Combine(dir, "left-only.wav");
        // Left channel a tone, right channel silence.
        await Tools.RunAsync("sox", "-n", "-r", "44100", "-c", "2", path, "synth", "2", "sine", "300", "remix", "1", "0");
        double left = 0, right = 0;

        var frames = await ffmpeg.DecodeAsync(path, 16000, 2, block =>
        {
            for (var i = 0; i + 1 < block.Length; i += 2)
            {
                left += block[i] * block[i];
                right += block[i + 1] * block[i + 1];
            }
        }, CancellationToken.None);

        Assert.InRange(frames, 31_900, 32_100);
        Assert.True(left > 1000 * (right + 1e-9), $"left energy {left}, right {right}");
    }

    [Fact]
    public async Task Probe_of_a_text_file_is_a_decode_error()
    {
        var path = Path.Combine(dir, "notes.wav");
        await File.WriteAllTextAsync(path, "these are not the samples you are looking for");

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => ffmpeg.ProbeAsync(path, CancellationToken.None));
        Assert.Contains("not a readable audio file", error.Message);
    }

    [Fact]
    public async Task A_tool_that_hangs_is_a_timeout_not_a_decode_error()
    {
        var hanging = Path.Combine(dir, "hanging-ffprobe");
        await File.WriteAllTextAsync(hanging, "#!/bin/sh\nexec sleep 30\n");
        await Tools.RunAsync("chmod", "+x", hanging);
        var slow = new Ffmpeg(new FfmpegOptions { FfprobePath = hanging, TimeoutSeconds = 1 });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => slow.ProbeAsync(hanging, CancellationToken.None));
        Assert.Contains("did not finish within 1 s", error.Message);
    }
}
