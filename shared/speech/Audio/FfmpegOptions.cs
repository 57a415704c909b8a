using System.ComponentModel.DataAnnotations;

namespace Cekura.Speech.Audio;

/// <summary>
/// Where the ffmpeg tools are. Section <c>Audio</c>:
/// <code>{"Audio": {"FfmpegPath": "ffmpeg", "FfprobePath": "ffprobe", "TimeoutSeconds": 120, "MaxConcurrentProcesses": 4}}</code>
/// Plain names are looked up on <c>PATH</c> (Debian's <c>ffmpeg</c> package installs both).
/// </summary>
public sealed class FfmpegOptions
{
    public const string Section = "Audio";

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>
    /// ffprobe/ffmpeg processes this process runs at once; more wait for a slot. Unbounded, a burst of uploads started
    /// one decoder each and every one of them crawled (56 at once on two cores), so every request timed out instead of
    /// most being answered. Default: twice the processor count (a decode is one busy core; the slack covers start-up).
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrentProcesses { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// Longest <see cref="Ffmpeg.VerifyAsync"/> (ingest's check of an upload, inside a request) waits for a free slot
    /// before it gives up with <see cref="AudioBusyException"/>, which ingest answers <c>503</c> with
    /// <c>Retry-After</c>: an overloaded process sheds load early instead of letting clients time out. Stage work
    /// (transcription's decode) waits without this bound; its message simply stays in flight.
    /// </summary>
    [Range(0.01, 3600)]
    public double RequestSlotWaitSeconds { get; set; } = 10;

    /// <summary>Longest a single probe or decode may run before it is killed (the wait for a slot not included).</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 120;
}
