using System.ComponentModel.DataAnnotations;

namespace Cekura.Ingest.Recordings;

/// <summary>
/// How ingest downloads a <c>voice_recording_url</c>.
/// <code>"RecordingFetch": { "Enabled": true, "MaxBytes": 209715200, "TimeoutSeconds": 60, "MaxRedirects": 3, "AllowedPrivateHosts": [ "storage.internal", "10.20.0.0/16" ] }</code>
/// </summary>
public sealed class RecordingFetchOptions
{
    public const string Section = "RecordingFetch";

    /// <summary>Off refuses every recording URL; clients must then upload the file.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Largest recording accepted, whether or not the server announces its length.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Limit for the whole fetch: every DNS lookup, connection, redirect and the body.</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 3;

    /// <summary>
    /// Host names, IP addresses or CIDR ranges fetched even though they are private or loopback (an operator's
    /// internal storage). Unspecified, multicast and broadcast addresses stay refused: no server answers there.
    /// </summary>
    public List<string> AllowedPrivateHosts { get; set; } = [];
}
