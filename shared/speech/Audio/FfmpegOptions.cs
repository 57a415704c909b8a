using System.ComponentModel.DataAnnotations;

namespace Cekura.Speech.Audio;

/// <summary>
/// Where the ffmpeg tools are. Section <c>Audio</c>:
/// <code>{"Audio": {"FfmpegPath": "ffmpeg", "FfprobePath": "ffprobe", "TimeoutSeconds": 120}}</code>
/// Plain names are looked up on <c>PATH</c> (Debian's <c>ffmpeg</c> package installs both).
/// </summary>
public sealed class FfmpegOptions
{
    public const string Section = "Audio";

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Longest a single probe or decode may run before it is killed.</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 120;
}
