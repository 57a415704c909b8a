namespace Cekura.Transcription.SpeechToText;

/// <summary>How backends read a recording: streamed from disk, never loaded whole.</summary>
internal static class AudioFile
{
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new SpeechToTextException($"Speech-to-text could not read the recording: {e.Message}");
        }
    }

    /// <summary>The file's name, given the extension of its media type when it has none (stored recordings are often
    /// named by id), because OpenAI-compatible servers tell the format by the extension.</summary>
    public static string NameWithExtension(string path, string contentType)
    {
        var name = Path.GetFileName(path);
        if (Path.HasExtension(name))
        {
            return name;
        }
        var extension = contentType.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "audio/wav" or "audio/x-wav" or "audio/wave" or "audio/vnd.wave" => ".wav",
            "audio/mpeg" or "audio/mp3" => ".mp3",
            "audio/mp4" or "audio/m4a" or "audio/x-m4a" => ".m4a",
            "audio/ogg" or "audio/opus" => ".ogg",
            "audio/webm" => ".webm",
            "audio/flac" or "audio/x-flac" => ".flac",
            _ => "",
        };
        return name + extension;
    }
}
