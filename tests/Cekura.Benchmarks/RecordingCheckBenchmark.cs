using System.Diagnostics;
using System.Globalization;
using Cekura.Speech.Audio;

namespace Cekura.Benchmarks;

/// <summary>
/// What a compressed recording costs in child processes: ingest's whole-file check and the transcription stage's
/// read of it, now against the way both ran before (measured in the same run, same files). Before, the check was an
/// ffprobe (the facts) and then an ffmpeg (decoding every frame to 8 kHz mono), and the stage ran ffprobe again before
/// its own decode; now the check is one ffprobe that decodes as it reads, and the stage takes the facts ingest stored.
/// The same for redaction's re-encode of a WAV and an MP3: before, an ffprobe ran first; now the stored facts describe it.
/// CPU is this process plus its reaped children; the best of the rounds.
///   dotnet run -c Release --project tests/Cekura.Benchmarks -- recording-check [rounds] [seconds...]
/// </summary>
internal static class RecordingCheckBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var lengths = args.Length > 1 ? args[1..].Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [30, 120, 600];
        var ffmpeg = new Ffmpeg(new FfmpegOptions());
        var dir = Directory.CreateTempSubdirectory("cekura-check-bench-").FullName;
        try
        {
            Console.WriteLine("stereo 44.1 kHz MP3 at 64 kbit/s (a tone under noise); CPU seconds per recording, best of " + rounds);
            Console.WriteLine();
            Console.WriteLine("| length | check before (ffprobe + ffmpeg) | check now (one ffprobe) | now / before | stage before (ffprobe + decode) | stage now (decode) | now / before |");
            Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var seconds in lengths)
            {
                var path = Path.Combine(dir, $"call-{seconds}.mp3");
                var length = seconds.ToString(CultureInfo.InvariantCulture);
                await RunToolAsync("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", $"sine=frequency=220:duration={length}",
                    "-f", "lavfi", "-i", $"anoisesrc=duration={length}:amplitude=0.05", "-filter_complex", "amix=inputs=2",
                    "-ac", "2", "-ar", "44100", "-b:a", "64k", path);
                var checkBefore = await BestAsync(rounds, async () =>
                {
                    await RunToolAsync("ffprobe", "-v", "warning", "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "a:0", path);
                    await RunToolAsync("ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-i", path, "-map", "0:a:0", "-t", "14401",
                        "-ac", "1", "-ar", "8000", "-f", "u8", "-acodec", "pcm_u8", "-y", "/dev/null");
                });
                var checkNow = await BestAsync(rounds, () => ffmpeg.VerifyAsync(path, 14400, CancellationToken.None));
                var stageBefore = await BestAsync(rounds, async () =>
                {
                    await RunToolAsync("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "a:0", path);
                    await ffmpeg.DecodeAsync(path, 16000, 2, _ => { }, CancellationToken.None);
                });
                var stageNow = await BestAsync(rounds, () => ffmpeg.DecodeAsync(path, 16000, 2, _ => { }, CancellationToken.None));
                Console.WriteLine($"| {seconds} s | {checkBefore:0.000} | {checkNow:0.000} | {checkNow / checkBefore:0.00} | {stageBefore:0.000} | {stageNow:0.000} | {stageNow / stageBefore:0.00} |");
            }

            // Redaction's re-encode (three masked windows) of a stereo 16 kHz PCM WAV and of the MP3s above: probed first,
            // as before, or with the facts ingest stored.
            var masker = new Cekura.Redaction.Audio.AudioMasker(new FfmpegOptions());
            foreach (var format in new[] { "wav", "mp3" })
            {
                Console.WriteLine();
                Console.WriteLine(format == "wav"
                    ? "| stereo 16 kHz WAV, 3 windows masked | mask before (ffprobe + ffmpeg) | mask now (ffmpeg) | now / before |"
                    : "| stereo 44.1 kHz MP3, 3 windows masked | mask before (ffprobe + ffmpeg) | mask now (ffmpeg) | now / before |");
                Console.WriteLine("| ---: | ---: | ---: | ---: |");
                foreach (var seconds in lengths)
                {
                    var path = Path.Combine(dir, $"call-{seconds}.{format}");
                    var length = seconds.ToString(CultureInfo.InvariantCulture);
                    if (format == "wav")
                    {
                        await RunToolAsync("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", $"anoisesrc=duration={length}:amplitude=0.1",
                            "-ac", "2", "-ar", "16000", "-c:a", "pcm_s16le", path);
                    }
                    var facts = await ffmpeg.VerifyAsync(path, 14400, CancellationToken.None);
                    var known = Cekura.Redaction.Audio.AudioMasker.MaskedInput.FromStored(new Cekura.Contracts.Calls.CallRecording
                    {
                        BlobKey = "b", ContentType = "audio/x", Format = format, SizeBytes = new FileInfo(path).Length,
                        Codec = facts.Codec, SampleRate = facts.SampleRate, Channels = facts.Channels, BitRate = facts.BitRate,
                    }) ?? throw new InvalidOperationException($"the {format} must be described by its stored facts");
                    Cekura.Redaction.Audio.MaskWindow[] windows =
                        [new(0, seconds * 0.1, seconds * 0.1 + 2), new(1, seconds * 0.5, seconds * 0.5 + 3), new(null, seconds * 0.8, seconds * 0.8 + 1)];
                    var output = Path.Combine(dir, $"masked.{format}");
                    var maskBefore = await BestAsync(rounds, () => masker.MaskAsync(path, output, windows,
                        Cekura.Redaction.AudioMaskMode.Silence, 1000, CancellationToken.None));
                    var maskNow = await BestAsync(rounds, () => masker.MaskAsync(path, output, windows,
                        Cekura.Redaction.AudioMaskMode.Silence, 1000, CancellationToken.None, known));
                    Console.WriteLine($"| {seconds} s | {maskBefore:0.000} | {maskNow:0.000} | {maskNow / maskBefore:0.00} |");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double> BestAsync(int rounds, Func<Task> work)
    {
        await work(); // warm: the JIT and the page cache
        var best = double.MaxValue;
        for (var i = 0; i < rounds; i++)
        {
            var before = VoiceActivityBenchmark.CpuTimes.Read();
            await work();
            best = Math.Min(best, VoiceActivityBenchmark.CpuTimes.Read().Total - before.Total);
        }
        return best;
    }

    private static async Task RunToolAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(output, errors);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {await errors}");
        }
    }
}
