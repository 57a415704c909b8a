using System.Diagnostics;
using System.Globalization;
using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity;
using Cekura.Speech.VoiceActivity.Energy;
using Cekura.TestSupport.Audio;

namespace Cekura.Benchmarks;

/// <summary>
/// Decode + voice activity in seconds of audio per CPU second, for a generated stereo call, beside two baselines
/// measured in the same run: decoding alone (ffmpeg and the PCM reader) and decoding with the energy detector; Silero
/// runs twice, with its silence gate (the default) and with the gate off (the model on every window). The noise
/// between and under the turns is white noise of the given peak amplitude (0.005 ≈ -51 dBFS RMS, above the gate; 0 is
/// digital silence, as a TTS channel's pauses are; 0.001 ≈ -65 dBFS, a quiet line).
/// CPU time is this process plus its ffmpeg children (read from /proc/self/stat after each child is reaped).
///   dotnet run -c Release --project tests/Cekura.Benchmarks -- vad [minutes] [wav|mp3|ogg] [rounds] [noise]
/// </summary>
internal static class VoiceActivityBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var minutes = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var container = args.Length > 1 ? Enum.Parse<AudioContainer>(args[1], ignoreCase: true) : AudioContainer.Mp3;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var noise = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.005;

        using var generator = new CallAudioGenerator();
        var call = await generator.GenerateAsync(new CallScript
        {
            Turns = Turns(minutes * 60), Container = container, SampleRate = 44_100, NoiseAmplitude = noise,
        });
        var ffmpeg = new Ffmpeg(new FfmpegOptions { TimeoutSeconds = 3600 });
        var probe = await ffmpeg.ProbeAsync(call.Path, CancellationToken.None);
        using var silero = new RecordingAnalyzer(ffmpeg, new VoiceActivityOptions());
        using var ungated = new RecordingAnalyzer(ffmpeg, new VoiceActivityOptions { SilenceGateDb = -120 });
        using var energy = new RecordingAnalyzer(ffmpeg, new VoiceActivityOptions(), new EnergyVoiceActivityDetector());
        if (silero.FallbackReason is { } reason)
        {
            throw new InvalidOperationException($"Silero did not load, so there is nothing to measure: {reason}");
        }
        Console.WriteLine($"{probe.DurationSeconds:0} s stereo {probe.Codec} {probe.SampleRate} Hz, noise amplitude {noise}, {Environment.ProcessorCount} cores; best of {rounds} rounds");
        Console.WriteLine($"{"case",-24} {"wall s",8} {"CPU s",8} {"of which ffmpeg",16} {"audio s / CPU s",16} {"x real time (wall)",19}");

        var cases = new (string Name, Func<Task<double>> Run)[]
        {
            ("decode only", async () =>
            {
                double sum = 0;
                var frames = await ffmpeg.DecodeAsync(call.Path, VoiceActivityWindow.SampleRate, 2, block =>
                {
                    foreach (var sample in block)
                    {
                        sum += sample;
                    }
                }, CancellationToken.None);
                GC.KeepAlive(sum);
                return frames / (double)VoiceActivityWindow.SampleRate;
            }),
            ("decode + energy VAD", async () => (await energy.AnalyzeAsync(call.Path, probe, CancellationToken.None)).DurationSeconds),
            ("decode + Silero, no gate", async () => (await ungated.AnalyzeAsync(call.Path, probe, CancellationToken.None)).DurationSeconds),
            ("decode + Silero VAD", async () => (await silero.AnalyzeAsync(call.Path, probe, CancellationToken.None)).DurationSeconds),
        };
        foreach (var (name, run) in cases)
        {
            await run();
            Measurement? best = null;
            for (var round = 0; round < rounds; round++)
            {
                var before = CpuTimes.Read();
                var wall = Stopwatch.StartNew();
                var audioSeconds = await run();
                wall.Stop();
                var after = CpuTimes.Read();
                var measured = new Measurement(audioSeconds, wall.Elapsed.TotalSeconds, after.Total - before.Total, after.Children - before.Children);
                best = best is null || measured.Cpu < best.Cpu ? measured : best;
            }
            Console.WriteLine($"{name,-24} {best!.Wall,8:0.00} {best.Cpu,8:0.00} {best.ChildCpu,16:0.00} {best.Audio / best.Cpu,16:0} {best.Audio / best.Wall,19:0}");
        }
    }

    // Alternating turns of 2-9 s with 0.8 s between them, until the wanted length.
    private static List<ScriptTurn> Turns(double seconds)
    {
        var turns = new List<ScriptTurn>();
        var random = new Random(3);
        var (time, party) = (0.5, Party.Agent);
        while (time < seconds)
        {
            var length = 2 + random.NextDouble() * 7;
            turns.Add(ScriptTurn.Talk(party, time, length));
            time += length + 0.8;
            party = party == Party.Agent ? Party.Caller : Party.Agent;
        }
        return turns;
    }

    private sealed record Measurement(double Audio, double Wall, double Cpu, double ChildCpu);

    /// <summary>utime+stime of this process and cutime+cstime of its reaped children, in seconds.</summary>
    internal sealed record CpuTimes(double Total, double Children)
    {
        private const double TicksPerSecond = 100;

        public static CpuTimes Read()
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double Field(int number) => double.Parse(fields[number - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
            var children = Field(16) + Field(17);
            return new CpuTimes(Field(14) + Field(15) + children, children);
        }
    }
}
