using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cekura.Speech.Audio;

/// <summary>
/// Runs Debian's ffprobe/ffmpeg as child processes on a file path. A path, not a pipe: some containers (m4a with its
/// index at the end) can only be read with seeking. Decoded audio streams through stdout in blocks, so a long
/// recording never sits in memory whole.
/// </summary>
public sealed class Ffmpeg(FfmpegOptions options)
{
    private const int MaxErrorChars = 4000;

    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentProcesses);

    /// <summary>Reads the container and the first audio stream's facts.</summary>
    /// <exception cref="AudioDecodeException">No readable audio stream.</exception>
    /// <remarks>An uncompressed WAV is read from its header (see <see cref="VerifyUncompressedWave"/>), without ffprobe.</remarks>
    public async Task<AudioProbe> ProbeAsync(string path, CancellationToken cancellationToken) =>
        ReadUncompressedWave(path) is { } wave
            ? new AudioProbe("wav", wave.Codec, wave.SampleRate, wave.Channels, wave.PresentSeconds)
            : await ProbeWithFfprobeAsync(path, cancellationToken);

    /// <summary>ffprobe's reading whatever the format; for tests comparing it with the header's.</summary>
    internal async Task<AudioProbe> ProbeWithFfprobeAsync(string path, CancellationToken cancellationToken) =>
        (await ProbeWithWarningsAsync(path, "error", cancellationToken)).Probe;

    /// <summary>
    /// Proves that the whole recording decodes: probes it, decodes every frame (at 8 kHz mono, into a counter) and
    /// compares the decoded length with what the file declares, so a cut-off or corrupt file is refused here rather
    /// than half-processed later. See <see cref="DecodeCompleteness"/> for the tolerances.
    /// </summary>
    /// <returns>The probe, with <see cref="AudioProbe.DurationSeconds"/> set to the duration that actually decoded.</returns>
    /// <exception cref="AudioDecodeException">Unreadable, truncated, corrupt or empty; the message is for the client.</exception>
    /// <exception cref="AudioTooLongException">Longer than <paramref name="maxDurationSeconds"/>.</exception>
    /// <exception cref="AudioBusyException">No decoder slot within <see cref="FfmpegOptions.RequestSlotWaitSeconds"/>.</exception>
    public async Task<AudioProbe> VerifyAsync(string path, double maxDurationSeconds, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDurationSeconds);
        if (VerifyUncompressedWave(path, maxDurationSeconds) is { } wave)
        {
            return wave;
        }
        var slotWait = TimeSpan.FromSeconds(options.RequestSlotWaitSeconds);
        var (probe, warnings) = await ProbeWithWarningsAsync(path, "warning", cancellationToken, slotWait);
        // ffprobe guesses an MP3's length from its bitrate when there is no Xing/Info header; for VBR that guess is
        // off by tens of percent either way, so it is no evidence of truncation on its own.
        var estimated = warnings.Contains("Estimating duration from bitrate", StringComparison.Ordinal);
        var declared = probe.DurationSeconds;
        if (probe.Container == "wav")
        {
            // ffprobe sizes a WAV by the bytes present and calls that an estimate; the header's data size is exact.
            // ReadWrite sharing: the caller may still hold the file open for writing (a temporary upload).
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (WaveHeader.ClaimedSeconds(file) is { } claimed)
            {
                (declared, estimated) = (Math.Max(declared, claimed), false);
            }
        }
        if (!estimated && declared > maxDurationSeconds)
        {
            throw new AudioTooLongException(declared, maxDurationSeconds);
        }

        // Decoding stops one second past the limit, which bounds the work a too-long file can cause.
        var reader = new ByteCounter();
        var run = await RunAsync(options.FfmpegPath,
            ["-nostdin", "-hide_banner", "-v", "error", "-i", path, "-map", "0:a:0",
             "-t", (maxDurationSeconds + 1).ToString(CultureInfo.InvariantCulture),
             "-ac", "1", "-ar", VerifyRate.ToString(CultureInfo.InvariantCulture), "-f", "u8", "-acodec", "pcm_u8", "pipe:1"],
            reader.ReadAsync, cancellationToken, slotWait);
        if (run.ExitCode != 0)
        {
            throw new AudioDecodeException($"the audio could not be decoded ({FirstLine(ForClient(run.Errors, path))})");
        }
        var decoded = (double)reader.Bytes / VerifyRate;
        if (decoded > maxDurationSeconds)
        {
            throw new AudioTooLongException(decoded, maxDurationSeconds);
        }
        var errors = ForClient(run.Errors, path).Trim();
        if (DecodeCompleteness.Problem(declared, estimated, decoded, errors.Length > 0) is { } problem)
        {
            throw new AudioDecodeException(errors.Length > 0 ? $"{problem} ({FirstLine(errors)})" : problem);
        }
        return probe with { DurationSeconds = decoded };
    }

    private const int VerifyRate = 8000;

    /// <summary>
    /// An uncompressed WAV (PCM and its kin) is checked from its header and size alone: every byte of its data is a
    /// sample, so decoding it proves nothing the header does not, and two child processes per upload were most of the
    /// cost of a recorded call at ingest. The verdicts are the decoder's: too long by the declared length, truncated by
    /// <see cref="DecodeCompleteness"/>. Anything else (compressed, extensible or inconsistent headers, an open size)
    /// goes to ffprobe and ffmpeg.
    /// </summary>
    private static AudioProbe? VerifyUncompressedWave(string path, double maxDurationSeconds)
    {
        if (ReadUncompressedWave(path) is not { } wave)
        {
            return null;
        }
        if (wave.DeclaredSeconds > maxDurationSeconds)
        {
            throw new AudioTooLongException(wave.DeclaredSeconds, maxDurationSeconds);
        }
        if (DecodeCompleteness.Problem(wave.DeclaredSeconds, estimated: false, wave.PresentSeconds, decodeErrors: false) is { } problem)
        {
            throw new AudioDecodeException(problem);
        }
        return new AudioProbe("wav", wave.Codec, wave.SampleRate, wave.Channels, wave.PresentSeconds);
    }

    private static (string Codec, int SampleRate, int Channels, double DeclaredSeconds, double PresentSeconds)? ReadUncompressedWave(string path)
    {
        try
        {
            // ReadWrite sharing: the caller may still hold the file open for writing (a temporary upload).
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return WaveHeader.Uncompressed(file);
        }
        catch (IOException)
        {
            return null; // ffprobe reports what is wrong with the path in its own words
        }
    }

    /// <summary>Runs <c>ffprobe -version</c> and <c>ffmpeg -version</c>, so a host can refuse to start without them.</summary>
    /// <exception cref="InvalidOperationException">A tool is missing or broken; the message says how to install or point at it.</exception>
    public async Task CheckToolsAsync(CancellationToken cancellationToken)
    {
        foreach (var tool in new[] { options.FfprobePath, options.FfmpegPath })
        {
            var run = await RunAsync(tool, ["-version"], onStdout: null, cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"'{tool} -version' exited with {run.ExitCode} ({FirstLine(run.Errors)}). Install ffmpeg (Debian: apt-get install ffmpeg) or set Audio__FfmpegPath / Audio__FfprobePath.");
            }
        }
    }

    private async Task<(AudioProbe Probe, string Warnings)> ProbeWithWarningsAsync(
        string path, string logLevel, CancellationToken cancellationToken, TimeSpan? slotWait = null)
    {
        var run = await RunAsync(options.FfprobePath,
            ["-v", logLevel, "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "a:0", path],
            onStdout: null, cancellationToken, slotWait);
        if (run.ExitCode != 0)
        {
            throw new AudioDecodeException($"not a readable audio file ({FirstLine(ForClient(run.Errors, path))})");
        }
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
        {
            throw new AudioDecodeException("the file has no audio stream");
        }
        var stream = streams[0];
        var format = root.GetProperty("format");
        var sampleRate = (int)(Number(stream, "sample_rate") ?? 0);
        var channels = (int)(Number(stream, "channels") ?? 0);
        if (sampleRate <= 0 || channels <= 0)
        {
            throw new AudioDecodeException("the audio stream has no sample rate or channel count");
        }
        var probe = new AudioProbe(
            Container: Text(format, "format_name") ?? "unknown",
            Codec: Text(stream, "codec_name") ?? "unknown",
            SampleRate: sampleRate,
            Channels: channels,
            DurationSeconds: Number(format, "duration") ?? Number(stream, "duration") ?? 0);
        return (probe, run.Errors);
    }

    /// <summary>
    /// Decodes the first audio stream to 16-bit PCM at <paramref name="sampleRate"/> with the file's first
    /// <paramref name="channels"/> channels interleaved (fewer channels in the file are an error, more are dropped
    /// by ffmpeg's channel map), handing blocks to <paramref name="onBlock"/> as they arrive.
    /// </summary>
    /// <returns>How many frames (samples per channel) were decoded.</returns>
    /// <exception cref="AudioDecodeException">ffmpeg could not decode the file.</exception>
    public async Task<long> DecodeAsync(string path, int sampleRate, int channels, PcmBlockHandler onBlock,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        // An uncompressed WAV is decoded here: every byte is a sample, and an ffmpeg start costs more than the decode.
        await using (var file = File.OpenRead(path))
        {
            if (WaveDecoder.Decode(file, sampleRate, channels, onBlock, cancellationToken) is { } frames)
            {
                return frames;
            }
        }
        return await DecodeWithFfmpegAsync(path, sampleRate, channels, onBlock, cancellationToken);
    }

    /// <summary><see cref="DecodeAsync"/> through ffmpeg whatever the format (internal: tests compare both ways).</summary>
    internal async Task<long> DecodeWithFfmpegAsync(string path, int sampleRate, int channels, PcmBlockHandler onBlock,
        CancellationToken cancellationToken)
    {
        var filter = channels == 1 ? "pan=mono|c0=c0" : $"pan={channels}c|" + string.Join('|', Enumerable.Range(0, channels).Select(c => $"c{c}=c{c}"));
        var reader = new PcmReader(channels, onBlock);
        var run = await RunAsync(options.FfmpegPath,
            ["-nostdin", "-hide_banner", "-v", "error", "-i", path, "-map", "0:a:0", "-af", filter,
             "-ar", sampleRate.ToString(CultureInfo.InvariantCulture), "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"],
            reader.ReadAsync, cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new AudioDecodeException($"the audio could not be decoded ({FirstLine(run.Errors)})");
        }
        return reader.Frames;
    }

    /// <param name="slotWait">How long to wait for a free slot before <see cref="AudioBusyException"/>; null waits as long as it takes.</param>
    private async Task<RunResult> RunAsync(string fileName, IReadOnlyList<string> arguments,
        Func<Stream, CancellationToken, Task>? onStdout, CancellationToken cancellationToken, TimeSpan? slotWait = null)
    {
        if (slotWait is { } wait)
        {
            if (!await _slots.WaitAsync(wait, cancellationToken))
            {
                throw new AudioBusyException(wait);
            }
        }
        else
        {
            await _slots.WaitAsync(cancellationToken);
        }
        try
        {
            return await RunInSlotAsync(fileName, arguments, onStdout, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<RunResult> RunInSlotAsync(string fileName, IReadOnlyList<string> arguments,
        Func<Stream, CancellationToken, Task>? onStdout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Could not run '{fileName}' ({e.Message}). Install ffmpeg (Debian: apt-get install ffmpeg) or set Audio__FfmpegPath / Audio__FfprobePath.", e);
        }
        try
        {
            var errors = ReadCappedAsync(process.StandardError, deadline.Token);
            string output = "";
            if (onStdout is null)
            {
                output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
            }
            else
            {
                await onStdout(process.StandardOutput.BaseStream, deadline.Token);
            }
            await process.WaitForExitAsync(deadline.Token);
            return new RunResult(process.ExitCode, output, await errors);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A slow machine is not the file's fault: a timeout is not an AudioDecodeException (a 400 at ingest, a
            // permanent failure in a stage) but an error the caller retries or reports as its own.
            throw new TimeoutException($"{Path.GetFileName(fileName)} did not finish within {options.TimeoutSeconds} s (Audio:TimeoutSeconds)");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    // ffmpeg can print a line per broken frame; keep the start, which names the problem.
    private static async Task<string> ReadCappedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (kept.Length < MaxErrorChars)
            {
                kept.Append(buffer, 0, Math.Min(read, MaxErrorChars - kept.Length));
            }
        }
        return kept.ToString();
    }

    // ffmpeg names the input file and its own objects' addresses ("[mp3float @ 0x5640...] Header missing"); neither
    // means anything to a client, and the file is a server-side temporary path.
    private static string ForClient(string errors, string path) =>
        System.Text.RegularExpressions.Regex.Replace(errors.Replace(path + ": ", "").Replace(path, "the file"), @"\[[^\]@]+ @ 0x[0-9a-fA-F]+\] ", "");

    private static string FirstLine(string errors)
    {
        var line = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "no details" : line.Length > 200 ? line[..200] : line;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // ffprobe prints numbers as strings ("44100", "12.345000") or as JSON numbers, and "N/A" when unknown.
    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }
        return value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed : null;
    }

    private sealed record RunResult(int ExitCode, string Output, string Errors);

    /// <summary>Drains ffmpeg's stdout, keeping only the count.</summary>
    private sealed class ByteCounter
    {
        public long Bytes { get; private set; }

        public async Task ReadAsync(Stream stdout, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await stdout.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    Bytes += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Turns ffmpeg's s16le byte stream into float blocks, carrying a split sample across reads.</summary>
    private sealed class PcmReader(int channels, PcmBlockHandler onBlock)
    {
        private const int BlockBytes = 64 * 1024;

        public long Frames { get; private set; }

        public async Task ReadAsync(Stream stdout, CancellationToken cancellationToken)
        {
            var bytes = ArrayPool<byte>.Shared.Rent(BlockBytes + 1);
            var samples = ArrayPool<float>.Shared.Rent(BlockBytes / 2);
            var frameBytes = 2 * channels;
            var pending = 0;
            try
            {
                int read;
                while ((read = await stdout.ReadAsync(bytes.AsMemory(pending, BlockBytes - pending), cancellationToken)) > 0)
                {
                    var available = pending + read;
                    var whole = available - available % frameBytes;
                    for (var i = 0; i < whole / 2; i++)
                    {
                        samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i, 2)) / 32768f;
                    }
                    if (whole > 0)
                    {
                        onBlock(samples.AsSpan(0, whole / 2));
                        Frames += whole / frameBytes;
                    }
                    pending = available - whole;
                    bytes.AsSpan(whole, pending).CopyTo(bytes);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
                ArrayPool<float>.Shared.Return(samples);
            }
        }
    }
}
