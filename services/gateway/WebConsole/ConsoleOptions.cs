using System.ComponentModel.DataAnnotations;

namespace Cekura.Gateway.WebConsole;

/// <summary>
/// <code>
/// "Console": { "Enabled": true, "TraceUrlTemplate": "http://jaeger:16686/trace/{trace_id}", "SessionHours": 12,
///              "DataProtectionKeysDirectory": null, "DataProtectionCertificatePath": null,
///              "DataProtectionCertificatePassword": null }
/// </code>
/// </summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";
    public const string TraceIdPlaceholder = "{trace_id}";

    /// <summary>Serves the web console at <c>/</c> and <c>/console/</c>, and the API reference at <c>/docs</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A tracing UI's page of one trace, e.g. Jaeger's or Grafana Tempo's; the call page links to it. Null: no link.</summary>
    public string? TraceUrlTemplate { get; set; }

    /// <summary>How long a console sign-in lasts; the key is checked on every request regardless.</summary>
    [Range(1, 24 * 30)]
    public int SessionHours { get; set; } = 12;

    /// <summary>
    /// Where ASP.NET Core Data Protection keeps the keys that seal session cookies. Several gateway instances must share
    /// one directory; null keeps the framework's default (<c>~/.aspnet/DataProtection-Keys</c>).
    /// </summary>
    public string? DataProtectionKeysDirectory { get; set; }

    /// <summary>
    /// A certificate with its private key (PKCS#12 <c>.pfx</c>/<c>.p12</c>, or PEM with the key in the same file) that
    /// encrypts those keys at rest: without it they are written in the clear (Linux has no DPAPI), and anyone who can
    /// read the directory can forge a session cookie. Every gateway sharing the directory needs the same certificate;
    /// null leaves the keys unencrypted.
    /// </summary>
    public string? DataProtectionCertificatePath { get; set; }

    /// <summary>The certificate file's password, if it has one.</summary>
    public string? DataProtectionCertificatePassword { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TraceUrlTemplate is { Length: > 0 } template
            && (!template.Contains(TraceIdPlaceholder, StringComparison.Ordinal)
                || !Uri.TryCreate(template.Replace(TraceIdPlaceholder, "0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult(
                $"Console:TraceUrlTemplate must be an absolute http(s) URL containing {TraceIdPlaceholder}, e.g. http://jaeger:16686/trace/{TraceIdPlaceholder}.",
                [nameof(TraceUrlTemplate)]);
        }
    }
}
