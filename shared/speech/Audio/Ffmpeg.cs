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
    internal async Task<AudioProbe> ProbeWithFfprobeAsync(string path, CancellationToken cancellationToken)
    {
        var run = await RunAsync(options.FfprobePath,
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "a:0", path],
            onStdout: null, cancellationToken);
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
        return new AudioProbe(
            Container: Text(format, "format_name") ?? "unknown",
            Codec: Text(stream, "codec_name") ?? "unknown",
            SampleRate: sampleRate,
            Channels: channels,
            DurationSeconds: Number(format, "duration") ?? Number(stream, "duration") ?? 0);
    }

    /// <summary>
    /// Proves that the whole recording decodes: reads the container's facts, decodes every frame of the first audio
    /// stream (counting its samples) and compares the decoded length with what the file declares, so a cut-off or
    /// corrupt file is refused here rather than half-processed later. See <see cref="DecodeCompleteness"/> for the
    /// tolerances.
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
        // One ffprobe run reads the container's facts and decodes every frame of the first audio stream (counting
        // its samples) up to one second past the limit, which bounds the work any file can cause: a too-long file is
        // refused after at most as much decoding as the longest accepted one. It replaces an ffprobe and an ffmpeg
        // run: on this project's VM each start of either costs about 0.12 s of CPU (the dynamic loader binding their
        // 215 libraries), far more than decoding a typical call.
        var slotWait = TimeSpan.FromSeconds(options.RequestSlotWaitSeconds);
        var reading = new VerifyReading();
        var run = await RunAsync(options.FfprobePath,
            ["-v", "level+warning", "-read_intervals", "%+" + (maxDurationSeconds + 1).ToString(CultureInfo.InvariantCulture),
             "-select_streams", "a:0",
             "-show_entries", "frame=nb_samples:stream=codec_name,sample_rate,channels,duration,bit_rate:format=format_name,duration,bit_rate",
             // -o pipe:1: through ffmpeg's own buffered I/O; ffprobe writes its stdout a line per frame, and
             // waking for each line cost more CPU here than decoding.
             "-of", "compact", "-o", "pipe:1", path],
            reading.ReadAsync, cancellationToken, slotWait);
        var log = new LevelledLog(ForClient(run.Errors, path));
        if (run.ExitCode != 0)
        {
            throw new AudioDecodeException($"not a readable audio file ({FirstLine(log.Errors)})");
        }
        var probe = reading.Probe();
        // ffprobe guesses an MP3's length from its bitrate when there is no Xing/Info header; for VBR that guess is
        // off by tens of percent either way, so it is no evidence of truncation on its own.
        var estimated = log.Warnings.Contains("Estimating duration from bitrate", StringComparison.Ordinal);
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
        var decoded = (double)reading.Samples / probe.SampleRate;
        if (decoded > maxDurationSeconds)
        {
            throw new AudioTooLongException(decoded, maxDurationSeconds);
        }
        if (DecodeCompleteness.Problem(declared, estimated, decoded, log.Errors.Length > 0) is { } problem)
        {
            throw new AudioDecodeException(log.Errors.Length > 0 ? $"{problem} ({FirstLine(log.Errors)})" : problem);
        }
        return probe with { DurationSeconds = decoded };
    }

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

    /// <summary>
    /// ffprobe's compact output for <see cref="VerifyAsync"/>: a <c>frame|nb_samples=…</c> line per decoded frame (summed
    /// as they stream, so a long file never sits in memory), then the stream's and the container's facts.
    /// </summary>
    private sealed class VerifyReading
    {
        private Dictionary<string, string>? _stream;
        private Dictionary<string, string>? _format;

        public long Samples { get; private set; }

        public async Task ReadAsync(Stream stdout, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(stdout, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("frame|nb_samples=", StringComparison.Ordinal))
                {
                    Samples += long.TryParse(line.AsSpan("frame|nb_samples=".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
                }
                else if (line.StartsWith("stream|", StringComparison.Ordinal))
                {
                    _stream ??= Fields(line);
                }
                else if (line.StartsWith("format|", StringComparison.Ordinal))
                {
                    _format = Fields(line);
                }
            }
        }

        /// <exception cref="AudioDecodeException">No audio stream, or one without a sample rate or channel count.</exception>
        public AudioProbe Probe()
        {
            if (_stream is null)
            {
                throw new AudioDecodeException("the file has no audio stream");
            }
            var sampleRate = (int)(Number(_stream, "sample_rate") ?? 0);
            var channels = (int)(Number(_stream, "channels") ?? 0);
            if (sampleRate <= 0 || channels <= 0)
            {
                throw new AudioDecodeException("the audio stream has no sample rate or channel count");
            }
            return new AudioProbe(
                Container: _format?.GetValueOrDefault("format_name") ?? "unknown",
                Codec: _stream.GetValueOrDefault("codec_name") ?? "unknown",
                SampleRate: sampleRate,
                Channels: channels,
                DurationSeconds: (_format is null ? null : Number(_format, "duration")) ?? Number(_stream, "duration") ?? 0,
                // The stream's when it has one (MP3, AAC), else the container's average (Opus and Vorbis in Ogg, WebM):
                // what redaction re-encodes a lossy recording at.
                BitRate: (long?)(Number(_stream, "bit_rate") ?? (_format is null ? null : Number(_format, "bit_rate"))));
        }

        // "stream|codec_name=mp3|sample_rate=44100|…": ffprobe's compact writer escapes '|' and '\' inside values,
        // which none of the names and numbers read here contain.
        private static Dictionary<string, string> Fields(string line) =>
            line.Split('|').Skip(1).Select(field => field.Split('=', 2)).Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

        private static double? Number(Dictionary<string, string> fields, string name) =>
            fields.TryGetValue(name, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value : null; // "N/A" when unknown
    }

    /// <summary>
    /// stderr of a run with <c>-v level+warning</c>, where each line carries its level ("[error] Header missing"):
    /// errors (what a client is told, and evidence of damage) apart from warnings.
    /// </summary>
    private sealed class LevelledLog
    {
        public LevelledLog(string text)
        {
            var errors = new StringBuilder();
            var warnings = new StringBuilder();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var match = Level.Match(line);
                var message = match.Success ? line.Remove(match.Index, match.Length) : line;
                (match.Success && match.Groups[1].Value is "warning" or "info" or "verbose" or "debug" or "trace" ? warnings : errors)
                    .Append(message).Append('\n');
            }
            (Errors, Warnings) = (errors.ToString(), warnings.ToString());
        }

        public string Errors { get; }

        public string Warnings { get; }

        private static readonly System.Text.RegularExpressions.Regex Level = new(@"\[(panic|fatal|error|warning|info|verbose|debug|trace)\] ");
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
