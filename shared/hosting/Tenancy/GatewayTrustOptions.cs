namespace Cekura.Hosting.Tenancy;

/// <summary>
/// The secret the gateway adds to every request it forwards, so ingest can refuse requests that did not come
/// through it. Both read it from the same setting.
/// <code>"Gateway": { "InternalSecret": "a long random string" }</code>
/// </summary>
public sealed class GatewayTrustOptions
{
    public const string Section = "Gateway";

    public string? InternalSecret { get; set; }
}
