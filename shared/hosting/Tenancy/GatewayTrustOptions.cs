using Cekura.Hosting.Options;
using Microsoft.Extensions.Configuration;

namespace Cekura.Hosting.Tenancy;

/// <summary>
/// The secret the gateway adds to every request it forwards, so ingest can refuse requests that did not come
/// through it. Both read it from the same setting.
/// <code>"Gateway": { "InternalSecret": "a long random string" }</code>
/// </summary>
public sealed class GatewayTrustOptions
{
    public const string Section = "Gateway";

    /// <summary>Shorter than this is refused at start: the secret is all that stands between ingest's port and every tenant.</summary>
    public const int MinimumSecretLength = 16;

    public string? InternalSecret { get; set; }

    /// <summary>
    /// When this process runs the gateway without ingest, or ingest without the gateway, the two talk over the network
    /// and ingest would otherwise believe any tenant header: refuse to start without a secret. The embedded
    /// deployment (both in one process) needs none.
    /// </summary>
    public static void RequireWhenSplit(IConfiguration configuration)
    {
        var cekura = CekuraOptions.From(configuration);
        if (cekura.Runs("gateway") == cekura.Runs("ingest"))
        {
            return;
        }
        var secret = configuration[$"{Section}:{nameof(InternalSecret)}"];
        if (string.IsNullOrWhiteSpace(secret) || secret.Length < MinimumSecretLength)
        {
            var split = cekura.Runs("gateway") ? "the gateway without ingest" : "ingest without the gateway";
            throw new InvalidOperationException(
                $"This process runs {split} ('{cekura.Targets}'), so the gateway proves itself to ingest with a shared secret: " +
                $"set Gateway__InternalSecret to the same random value of at least {MinimumSecretLength} characters in the " +
                "gateway and every ingest process (unset, anyone who reaches ingest's port could act as any tenant).");
        }
    }
}
