using System.ComponentModel.DataAnnotations;

namespace Cekura.Hosting.Options;

/// <summary>
/// The relay that republishes events the bus never confirmed, and nudges calls that stopped moving.
/// <code>"Outbox": { "SweepIntervalSeconds": 5, "UnpublishedGraceSeconds": 10, "RepublishAfterSeconds": 300 }</code>
/// </summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    [Range(0.05, 3600)]
    public double SweepIntervalSeconds { get; set; } = 5;

    /// <summary>How long an unconfirmed event may be in flight before the relay publishes it itself.</summary>
    [Range(0, 3600)]
    public double UnpublishedGraceSeconds { get; set; } = 10;

    /// <summary>A published event whose next stage never ran (an in-memory bus lost with its process) is sent again after this.</summary>
    [Range(1, 86400)]
    public double RepublishAfterSeconds { get; set; } = 300;
}
