using System.ComponentModel.DataAnnotations;
using Cekura.Hosting.Net;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Webhooks;

/// <summary>
/// How completion webhooks are sent.
/// <code>
/// "Webhooks": { "PollIntervalSeconds": 5, "BatchSize": 16, "TimeoutSeconds": 10, "MaxAttempts": 12,
///               "BackoffBaseSeconds": 5, "BackoffCapSeconds": 3600, "LeaseSeconds": 60, "RetentionHours": 168,
///               "AllowedPrivateHosts": [ "hooks.internal", "10.20.0.0/16" ] }
/// </code>
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How often the outbox is checked for due deliveries that no signal announced (other processes, retries).</summary>
    [Range(0.01, 3600)]
    public double PollIntervalSeconds { get; set; } = 5;

    /// <summary>Deliveries claimed, and sent concurrently, per round.</summary>
    [Range(1, 256)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Limit of one attempt: DNS, connection, TLS and the receiver's answer.</summary>
    [Range(0.1, 300)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Attempts before a delivery is abandoned; with the default backoff 12 attempts span about two hours.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Wait after the first failed attempt; it doubles after each further one, up to the cap.</summary>
    [Range(0.001, 86400)]
    public double BackoffBaseSeconds { get; set; } = 5;

    [Range(0.001, 86400)]
    public double BackoffCapSeconds { get; set; } = 3600;

    /// <summary>
    /// When the process stops, attempts already in flight get this long to finish before they are cut off and handed
    /// back. A receiver that already has the request and whose answer is cut off would get it again from the next
    /// sender. Never more than 60 % of the host's shutdown timeout (<c>Cekura:ShutdownTimeoutSeconds</c>).
    /// </summary>
    [Range(0, 300)]
    public double StopGraceSeconds { get; set; } = 5;

    /// <summary>How long a claimed delivery is reserved for its sender; must cover an attempt, so at least twice the timeout.</summary>
    [Range(1, 86400)]
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>Delivered and abandoned deliveries (their secret and body included) are deleted this long after they finish.</summary>
    [Range(0, 87600)]
    public double RetentionHours { get; set; } = 168;

    /// <summary>
    /// Host names, IP addresses or CIDR ranges that webhooks may reach although they are private or loopback (a
    /// receiver inside the operator's network), as for <c>RecordingFetch:AllowedPrivateHosts</c>. Unspecified,
    /// multicast and broadcast addresses stay refused.
    /// </summary>
    public List<string> AllowedPrivateHosts { get; set; } = [];
}

/// <summary>The rules between settings that attributes cannot state.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var errors = new List<string>(OutboundAddressPolicy.AllowListErrors(options.AllowedPrivateHosts));
        if (options.BackoffCapSeconds < options.BackoffBaseSeconds)
        {
            errors.Add($"Webhooks:BackoffCapSeconds ({options.BackoffCapSeconds}) is below BackoffBaseSeconds ({options.BackoffBaseSeconds}).");
        }
        // A lease that ran out mid-attempt would let a second sender post the same delivery at the same time.
        if (options.LeaseSeconds < 2 * options.TimeoutSeconds)
        {
            errors.Add($"Webhooks:LeaseSeconds ({options.LeaseSeconds}) must be at least twice TimeoutSeconds ({options.TimeoutSeconds}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
