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

    [Fact]
    public async Task No_more_than_MaxConcurrentProcesses_tools_run_at_once()
    {
        // A stand-in ffprobe that logs when it starts and ends; it exits 1, so each probe is refused, which is all this
        // test needs. Each run waits (up to 10 s) until two have started, so the first two overlap however slowly a
        // loaded machine starts processes; a fixed sleep did not guarantee that.
        var log = Path.Combine(dir, "runs.log");
        var tool = Path.Combine(dir, "slow-ffprobe");
        await File.WriteAllTextAsync(tool, $"#!/bin/sh\necho \"start $(date +%s%N)\" >> '{log}'\n"
            + $"i=0; while [ \"$(grep -c start '{log}')\" -lt 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n"
            + $"sleep 0.1\necho \"end $(date +%s%N)\" >> '{log}'\nexit 1\n");
        await Tools.RunAsync("chmod", "+x", tool);
        var limited = new Ffmpeg(new FfmpegOptions { FfprobePath = tool, MaxConcurrentProcesses = 2 });

        var probes = Enumerable.Range(0, 6).Select(_ => Assert.ThrowsAsync<AudioDecodeException>(
            () => limited.ProbeAsync(Path.Combine(dir, "any.wav"), CancellationToken.None)));
        await Task.WhenAll(probes);

        // Replay the log in time order: at no moment were more than two running (unbounded, all six overlap).
        var events = (await File.ReadAllLinesAsync(log)).Select(line => line.Split(' '))
            .Select(parts => (Time: long.Parse(parts[1]), Change: parts[0] == "start" ? 1 : -1))
            .OrderBy(e => e.Time).ThenBy(e => e.Change).ToList();
        Assert.Equal(12, events.Count);
        var running = 0;
        var most = 0;
        foreach (var e in events)
        {
            running += e.Change;
            most = Math.Max(most, running);
        }
        Assert.Equal(2, most);
    }

    [Fact]
    public async Task A_check_that_finds_every_slot_busy_gives_up_with_AudioBusyException_and_a_free_slot_runs_it()
    {
        // A stand-in ffprobe that says it started, then holds its slot until the test opens the gate (exit 1: refused).
        var started = Path.Combine(dir, "started");
        var gate = Path.Combine(dir, "gate");
        var tool = Path.Combine(dir, "gated-ffprobe");
        await File.WriteAllTextAsync(tool, $"#!/bin/sh\ntouch '{started}'\nwhile [ ! -f '{gate}' ]; do sleep 0.05; done\nexit 1\n");
        await Tools.RunAsync("chmod", "+x", tool);
        var one = new Ffmpeg(new FfmpegOptions { FfprobePath = tool, MaxConcurrentProcesses = 1, RequestSlotWaitSeconds = 0.2 });
        var file = Path.Combine(dir, "any.wav");

        // Stage work waits for a slot without a bound; this probe takes the only one and keeps it until the gate opens.
        var holder = Assert.ThrowsAsync<AudioDecodeException>(() => one.ProbeAsync(file, CancellationToken.None));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(started))
        {
            Assert.True(DateTime.UtcNow < deadline, "the stand-in ffprobe never started");
            await Task.Delay(20);
        }

        var busy = await Assert.ThrowsAsync<AudioBusyException>(() => one.VerifyAsync(file, 60, CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(0.2), busy.Wait);

        await File.WriteAllTextAsync(gate, "");
        await holder;
        // With the slot free again the same check runs the tool (which refuses the file).
        await Assert.ThrowsAsync<AudioDecodeException>(() => one.VerifyAsync(file, 60, CancellationToken.None));
    }
}
