using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Speech.Audio;

namespace Cekura.Redaction.Audio;

/// <summary>The recording could not be masked; the message is for the client (no paths, no content).</summary>
public sealed class AudioMaskException(string message) : Exception(message);

/// <summary>
/// Masks windows of a recording with silence or a tone by running one ffmpeg filter graph from file to file, so a long
/// recording never sits in memory. The output keeps the input's container, codec family, sample rate, channel count
/// and length; a window with a channel touches only that channel. Outside the windows a PCM file's samples come out
/// bit for bit (the filters pass frames through untouched); a lossy file is re-encoded, so it is only near-identical.
/// </summary>
public sealed class AudioMasker(FfmpegOptions ffmpeg)
{
    /// <summary>
    /// Masking switches per audio frame (ffmpeg evaluates <c>enable</c> once per frame), so the audio is cut into
    /// 10 ms frames whose times are exact sample counts; every window is widened outwards to whole frames.
    /// </summary>
    private const int FramesPerSecond = 100;

    /// <param name="known">The input's facts when the caller has them (see <see cref="MaskedInput.FromStored"/>); null
    /// probes the file.</param>
    public async Task MaskAsync(string inputPath, string outputPath, IReadOnlyList<MaskWindow> windows, AudioMaskMode mode,
        int toneFrequencyHz, CancellationToken cancellationToken, MaskedInput? known = null)
    {
        var input = known ?? await ProbeAsync(inputPath, cancellationToken);
        var encoder = Encoder(input);
        var graph = Graph(input, windows, mode, toneFrequencyHz);
        var script = Path.Combine(Path.GetTempPath(), $"cekura-mask-{Guid.NewGuid():N}.ffgraph");
        try
        {
            await File.WriteAllTextAsync(script, graph, cancellationToken);
            var run = await RunAsync(ffmpeg.FfmpegPath,
                ["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", inputPath, "-filter_complex_script", script,
                 // No tags from the input (they can name the caller) and none of ffmpeg's own (encoder version).
                 "-map", "[out]", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                 "-ar", Invariant(input.SampleRate), "-ac", Invariant(input.Channels), .. encoder, outputPath],
                cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new AudioMaskException($"the recording could not be re-encoded with its redactions ({FirstLine(run.Errors, inputPath)})");
            }
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>The filter graph: per channel, the windows that apply to it (all-channel ones plus its own).</summary>
    internal static string Graph(MaskedInput input, IReadOnlyList<MaskWindow> windows, AudioMaskMode mode, int toneFrequencyHz)
    {
        var frame = input.SampleRate / FramesPerSecond;
        var reframe = $"asetnsamples=n={frame}:p=0,asetpts=N/SR/TB";
        var graph = new StringBuilder();
        if (input.Channels > 2)
        {
            // Separable channels are two parties on two channels; anything wider is masked as a whole, and with
            // silence only, since a mono tone would need the unknown layout's channel map to be mixed back in.
            var all = Expression(windows, frame, input.SampleRate);
            graph.Append(CultureInfo.InvariantCulture, $"[0:a]{reframe}");
            graph.Append(all is null ? ",anull[out]" : $",volume=volume=0:enable='{all}'[out]");
            return graph.ToString();
        }
        var channels = input.Channels;
        graph.Append(channels == 1 ? "[0:a]anull[c0];\n" : "[0:a]aformat=channel_layouts=stereo,channelsplit=channel_layout=stereo[c0][c1];\n");
        for (var c = 0; c < channels; c++)
        {
            var expression = Expression(windows.Where(w => w.Channel is null || w.Channel == c).ToList(), frame, input.SampleRate);
            if (expression is null)
            {
                graph.Append(CultureInfo.InvariantCulture, $"[c{c}]anull[o{c}];\n");
                continue;
            }
            graph.Append(CultureInfo.InvariantCulture, $"[c{c}]{reframe},volume=volume=0:enable='{expression}'");
            if (mode == AudioMaskMode.Silence)
            {
                graph.Append(CultureInfo.InvariantCulture, $"[o{c}];\n");
                continue;
            }
            // sine's default amplitude is 1/8 (-18 dBFS), about the level of speech; it is heard only where the speech is silenced.
            graph.Append(CultureInfo.InvariantCulture, $"[m{c}];\n");
            graph.Append(CultureInfo.InvariantCulture,
                $"sine=frequency={toneFrequencyHz}:sample_rate={input.SampleRate},{reframe},volume=volume=0:enable='not({expression})'[t{c}];\n");
            graph.Append(CultureInfo.InvariantCulture, $"[m{c}][t{c}]amix=inputs=2:duration=first:normalize=0[o{c}];\n");
        }
        graph.Append(channels == 1 ? "[o0]anull[out]" : "[o0][o1]join=inputs=2:channel_layout=stereo[out]");
        return graph.ToString();
    }

    /// <summary>
    /// <c>between(t,a,b)+…</c> over whole frames: a frame is masked when it starts inside a window's frame range, so the
    /// masked stretch covers the window and overshoots it by less than one frame on each side.
    /// </summary>
    private static string? Expression(IReadOnlyList<MaskWindow> windows, int frame, int sampleRate)
    {
        var ranges = windows
            .Select(w => (First: (long)Math.Floor(w.Start * sampleRate / frame), Last: (long)Math.Ceiling(w.End * sampleRate / frame) - 1))
            .Where(r => r.Last >= r.First)
            .OrderBy(r => r.First)
            .ToList();
        if (ranges.Count == 0)
        {
            return null;
        }
        var merged = new List<(long First, long Last)>();
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && range.First <= merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, range.Last));
            }
            else
            {
                merged.Add(range);
            }
        }
        // Half a sample of slack either side, so a frame start computed in floating point lands inside its range.
        return string.Join('+', merged.Select(r =>
            $"between(t,{Seconds((r.First * frame - 0.5) / sampleRate)},{Seconds((r.Last * frame + 0.5) / sampleRate)})"));
    }

    /// <summary>The encoder arguments that keep the input's codec family (and its bit rate, for lossy codecs).</summary>
    private static string[] Encoder(MaskedInput input)
    {
        var bitRate = Invariant(input.BitRate is > 0 ? input.BitRate.Value : 128_000);
        string[] codec = input.Codec switch
        {
            var pcm when pcm.StartsWith("pcm_", StringComparison.Ordinal) => ["-c:a", pcm],
            "flac" => ["-c:a", "flac"],
            "mp3" => ["-c:a", "libmp3lame", "-b:a", bitRate],
            "opus" => ["-c:a", "libopus", "-b:a", bitRate],
            "vorbis" => ["-c:a", "libvorbis", "-b:a", bitRate],
            "aac" => ["-c:a", "aac", "-b:a", bitRate],
            _ => throw new AudioMaskException($"recordings encoded as {input.Codec} cannot be re-encoded for redaction"),
        };
        var muxer = input.Container switch
        {
            "wav" => "wav",
            "mp3" => "mp3",
            "flac" => "flac",
            "ogg" => "ogg",
            var mp4 when mp4.Contains("mp4", StringComparison.Ordinal) => "ipod",
            var mkv when mkv.Contains("webm", StringComparison.Ordinal) => "webm",
            _ => throw new AudioMaskException($"recordings in a {input.Container} container cannot be re-encoded for redaction"),
        };
        return [.. codec, "-f", muxer];
    }

    /// <summary>The facts of the first audio stream that the output must keep.</summary>
    public sealed record MaskedInput(string Container, string Codec, int SampleRate, int Channels, long? BitRate)
    {
        /// <summary>
        /// What ingest measured when it checked the recording (ffprobe's codec, rate, channels and bit rate), so no ffprobe
        /// has to start before the re-encode: about 0.12 s of CPU on this project's VM, more than masking a typical call
        /// costs. The container is the one ingest detected, named as <see cref="Encoder"/> reads ffprobe's. Null when a
        /// fact is missing (a call stored before ingest kept it, a lossy recording without a bit rate), which is probed.
        /// </summary>
        public static MaskedInput? FromStored(CallRecording recording)
        {
            if (recording is not { Codec: { } codec, SampleRate: >= FramesPerSecond and var rate, Channels: >= 1 and var channels })
            {
                return null;
            }
            var lossless = codec == "flac" || codec.StartsWith("pcm_", StringComparison.Ordinal);
            if (!lossless && recording.BitRate is not > 0)
            {
                return null;
            }
            // ffprobe names M4A's container "mov,mp4,m4a,…", which Encoder reads by its "mp4".
            var container = recording.Format switch
            {
                "m4a" => "mp4",
                "wav" or "flac" or "mp3" or "ogg" or "webm" => recording.Format,
                _ => null,
            };
            return container is null ? null : new(container, codec, rate, channels, recording.BitRate);
        }
    }

    private async Task<MaskedInput> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var run = await RunAsync(ffmpeg.FfprobePath,
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-select_streams", "a:0", path],
            cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new AudioMaskException($"the recording could not be read ({FirstLine(run.Errors, path)})");
        }
        using var json = JsonDocument.Parse(run.Output);
        if (!json.RootElement.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
        {
            throw new AudioMaskException("the recording has no audio stream");
        }
        var stream = streams[0];
        var format = json.RootElement.GetProperty("format");
        var input = new MaskedInput(
            Container: Text(format, "format_name") ?? "unknown",
            Codec: Text(stream, "codec_name") ?? "unknown",
            SampleRate: (int)(Number(stream, "sample_rate") ?? 0),
            Channels: (int)(Number(stream, "channels") ?? 0),
            BitRate: (long?)(Number(stream, "bit_rate") ?? Number(format, "bit_rate")));
        if (input.SampleRate < FramesPerSecond || input.Channels < 1)
        {
            throw new AudioMaskException("the recording has no usable sample rate or channel count");
        }
        return input;
    }

    private async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(ffmpeg.TimeoutSeconds));
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
            throw new InvalidOperationException($"Could not run '{tool}' ({e.Message}); install ffmpeg or set Audio__FfmpegPath / Audio__FfprobePath.", e);
        }
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var errors = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            return (process.ExitCode, await output, await errors);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A slow machine is not the recording's fault: let the stage retry instead of failing the call.
            throw new TimeoutException($"{Path.GetFileName(tool)} did not finish within {ffmpeg.TimeoutSeconds} s (Audio:TimeoutSeconds)");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    // ffmpeg names the temporary file; a client needs the problem, not our paths.
    private static string FirstLine(string errors, string path)
    {
        var line = errors.Replace(path, "the file").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "no details" : line.Length > 200 ? line[..200] : line;
    }

    private static string Seconds(double seconds) => Math.Max(0, seconds).ToString("0.######", CultureInfo.InvariantCulture);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
