using System.ComponentModel.DataAnnotations;

namespace Cekura.Ingest.Recordings;

/// <summary>
/// The sweep that deletes recording blobs no call points to (left by a crash between storing a recording and its call).
/// <code>"OrphanRecordings": { "SweepIntervalMinutes": 60, "GraceMinutes": 1440 }</code>
/// </summary>
public sealed class OrphanRecordingOptions
{
    public const string Section = "OrphanRecordings";

    [Range(0.01, 10_080)]
    public double SweepIntervalMinutes { get; set; } = 60;

    /// <summary>
    /// Only blobs last written longer ago than this are candidates: a recording is stored moments before its call, and a
    /// redaction writes its copy before it saves the call, so younger blobs may be about to be referenced.
    /// </summary>
    [Range(10, 525_600)]
    public double GraceMinutes { get; set; } = 1440;
}
