using System.ComponentModel.DataAnnotations;

namespace Cekura.Ingest.Recordings;

/// <summary>
/// What ingest accepts as a recording once it decodes (every upload, fetched URL and webhook attachment is decoded
/// whole before anything is stored).
/// <code>"RecordingCheck": { "MaxDurationSeconds": 14400 }</code>
/// </summary>
public sealed class RecordingCheckOptions
{
    public const string Section = "RecordingCheck";

    /// <summary>Longest recording accepted; longer is a 400 naming this limit. Default 4 hours.</summary>
    [Range(1, 7 * 24 * 3600)]
    public double MaxDurationSeconds { get; set; } = 4 * 3600;
}
