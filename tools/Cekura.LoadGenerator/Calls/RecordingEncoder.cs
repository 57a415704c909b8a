using System.Diagnostics;

namespace Cekura.LoadGenerator.Calls;

/// <summary>
/// Turns a generated WAV into the compressed formats providers send (MP3 from ElevenLabs and many Vapi set-ups, Ogg
/// Opus, FLAC) with ffmpeg, once per pooled call before the run: a WAV is checked from its header and decoded in
/// process on the server, so only compressed uploads exercise its ffprobe/ffmpeg path.
/// </summary>
public static class RecordingEncoder
{
    public static readonly IReadOnlyList<string> Formats = ["wav", "mp3", "ogg", "flac"];

    public static string ContentType(string format) => format switch
    {
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "flac" => "audio/flac",
        _ => "audio/wav",
    };

    public static byte[] Encode(byte[] wav, string format)
    {
        if (format == "wav")
        {
            return wav;
        }
        string[] codec = format switch
        {
            "mp3" => ["-c:a", "libmp3lame", "-b:a", "32k"],
            "ogg" => ["-c:a", "libopus", "-b:a", "24k"],
            "flac" => ["-c:a", "flac"],
            _ => throw new ArgumentException($"unknown recording format {format}", nameof(format)),
        };
        var source = Path.Combine(Path.GetTempPath(), $"cekura-load-{Guid.NewGuid():N}.wav");
        var target = Path.ChangeExtension(source, format);
        try
        {
            File.WriteAllBytes(source, wav);
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in (string[])["-nostdin", "-v", "error", "-i", source, .. codec, target])
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg could not encode a {format} recording: {errors.Result}");
            }
            return File.ReadAllBytes(target);
        }
        finally
        {
            File.Delete(source);
            File.Delete(target);
        }
    }
}
