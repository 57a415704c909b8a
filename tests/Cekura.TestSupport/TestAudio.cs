using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cekura.TestSupport;

/// <summary>
/// Real, decodable recordings made by ffmpeg at test time (a sine tone), cached per kind for the run. Plain .NET only:
/// the unit-test projects compile this file in (linked) without taking the server fixtures' packages.
/// </summary>
public static class TestAudio
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> Cache = new();

    /// <summary>
    /// <paramref name="kind"/>: wav, mp3 (with an ID3v2 tag, as ffmpeg writes), mp3-no-id3 (starts at a frame sync),
    /// ogg (Opus), flac, m4a (AAC) or webm (Opus).
    /// </summary>
    public static Task<byte[]> EncodeAsync(string kind, double seconds = 1, int channels = 1) =>
        Cache.GetOrAdd($"{kind}/{seconds}/{channels}", _ => new Lazy<Task<byte[]>>(() => MakeAsync(kind, seconds, channels))).Value;

    private static async Task<byte[]> MakeAsync(string kind, double seconds, int channels)
    {
        var (extension, codec) = kind switch
        {
            "wav" => ("wav", new[] { "-c:a", "pcm_s16le" }),
            "mp3" => ("mp3", new[] { "-c:a", "libmp3lame", "-b:a", "32k" }),
            "mp3-no-id3" => ("mp3", new[] { "-c:a", "libmp3lame", "-b:a", "32k", "-id3v2_version", "0" }),
            "ogg" => ("ogg", new[] { "-c:a", "libopus" }),
            "flac" => ("flac", new[] { "-c:a", "flac" }),
            "m4a" => ("m4a", new[] { "-c:a", "aac" }),
            "webm" => ("webm", new[] { "-c:a", "libopus" }),
            _ => throw new ArgumentException($"unknown kind {kind}"),
        };
        var path = Path.Combine(Path.GetTempPath(), $"cekura-test-audio-{Guid.NewGuid():N}.{extension}");
        try
        {
            await RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i",
                $"sine=frequency=440:sample_rate=16000:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                "-ac", channels.ToString(System.Globalization.CultureInfo.InvariantCulture), .. codec, path]);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static async Task RunAsync(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await errors}");
        }
    }
}
