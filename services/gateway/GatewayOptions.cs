using System.ComponentModel.DataAnnotations;

namespace Cekura.Gateway;

/// <summary>
/// <code>
/// "Gateway": { "IngestUrl": "http://ingest:8080", "BootstrapKey": "", "AdminKey": "", "InternalSecret": "",
///              "KeyCacheSeconds": 5, "MaxJsonBytes": 10485760, "MaxUploadBytes": 536870912, "RequestTimeoutSeconds": 300,
///              "RateLimit": { "PerMinute": 120000, "Burst": 2000 }, "NoOpEndpoint": false }
/// </code>
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Where ingest listens when it runs in another process; unused when ingest runs in this one.</summary>
    public string? IngestUrl { get; set; }

    /// <summary>A key to accept from the first start (CEKURA_API_KEY); without it a key is generated and printed once.</summary>
    public string? BootstrapKey { get; set; }

    /// <summary>Enables the <c>/admin/v1/</c> key management API for requests carrying it in <c>X-CEKURA-ADMIN-KEY</c> (CEKURA_ADMIN_KEY).</summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// How long a verified key is remembered before the store is asked again: a revocation reaches every gateway
    /// instance within this time (the instance that revoked forgets the key at once).
    /// </summary>
    [Range(0, 3600)]
    public int KeyCacheSeconds { get; set; } = 5;

    /// <summary>Largest body of every request except a Send Calls upload, whatever its content type; larger is <c>413</c>.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxJsonBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Largest Send Calls multipart body (the only route that takes a recording upload); larger is <c>413</c>.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>A request still running after this is answered <c>504</c>.</summary>
    [Range(1, 86400)]
    public int RequestTimeoutSeconds { get; set; } = 300;

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>
    /// Maps <c>POST /observability/v1/noop/</c> (key check and body read, then <c>201</c>, nothing stored): the
    /// ceiling the load generator compares ingest with. Off by default; a measuring aid, not an API.
    /// </summary>
    public bool NoOpEndpoint { get; set; }
}

/// <summary>
/// The token bucket of a key that has no limits of its own (and of each webhook token). One busy webhook source sends
/// everything under one key, so the default sits above what one instance ingests (see the README's ingest figures):
/// the limit stops a runaway client, it does not pace a healthy one. Keys that need less get their own limits.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per minute (2,000 a second).</summary>
    [Range(1, 10_000_000)]
    public int PerMinute { get; set; } = 120_000;

    /// <summary>Requests allowed at once before the sustained rate applies.</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 2_000;
}
