using System.ComponentModel.DataAnnotations;

namespace Cekura.Gateway;

/// <summary>
/// <code>"Gateway": { "IngestUrl": "http://ingest:8080", "BootstrapKey": "", "KeyCacheSeconds": 30, "MaxRequestBytes": 536870912 }</code>
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Where ingest listens when it runs in another process; unused when ingest runs in this one.</summary>
    public string? IngestUrl { get; set; }

    /// <summary>A key to accept from the first start (CEKURA_API_KEY); without it a key is generated and printed once.</summary>
    public string? BootstrapKey { get; set; }

    /// <summary>How long a verified key is remembered before the store is asked again.</summary>
    [Range(0, 3600)]
    public int KeyCacheSeconds { get; set; } = 30;

    /// <summary>Largest request the gateway lets through (recording uploads ride in it).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 512L * 1024 * 1024;
}
