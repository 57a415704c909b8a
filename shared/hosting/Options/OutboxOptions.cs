using System.ComponentModel.DataAnnotations;

namespace Cekura.Hosting.Options;

/// <summary>
/// How owed call events reach the bus: the background publisher that sends each stored call's event without holding
/// up the request, and the relay that republishes what no publish confirmed, and nudges calls that stopped moving.
/// <code>
/// "Outbox": { "SweepIntervalSeconds": 5, "UnpublishedGraceSeconds": 10, "RepublishAfterSeconds": 300,
///             "MaxRepublishAfterSeconds": 3600, "PublishTimeoutMs": 5000, "MaxPublishesInFlight": 256,
///             "QueueCapacity": 10000, "BatchSize": 200, "MaxPerSweep": 5000 }
/// </code>
/// </summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    [Range(0.05, 3600)]
    public double SweepIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// How long an unconfirmed event may be in flight before the relay publishes it itself; also the first wait
    /// before the relay tries again after its own publish failed (doubling per failure, up to <see cref="RepublishAfterSeconds"/>).
    /// </summary>
    [Range(0, 3600)]
    public double UnpublishedGraceSeconds { get; set; } = 10;

    /// <summary>
    /// A published event whose next stage never ran (an in-memory bus lost with its process) is sent again after
    /// this; each further republish of the same stage waits twice as long as the one before.
    /// </summary>
    [Range(1, 86400)]
    public double RepublishAfterSeconds { get; set; } = 300;

    /// <summary>The longest wait between two republishes of one stalled call.</summary>
    [Range(1, 7 * 86400)]
    public double MaxRepublishAfterSeconds { get; set; } = 3600;

    /// <summary>
    /// How long a publish may wait for the broker's confirmation; after that the event is left to the relay. A slow,
    /// hung or stopped broker therefore holds up no request and no stage worker for longer than this.
    /// </summary>
    [Range(50, 600_000)]
    public int PublishTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// Publishes one process may have waiting for the broker, counting those it stopped waiting for: a hung broker
    /// never answers them, so without this bound they would pile up. When all are taken, new events wait in the store.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxPublishesInFlight { get; set; } = 256;

    /// <summary>Stored calls whose event waits for the background publisher; beyond this the relay sends them.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Owed events the relay claims and publishes at a time.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Most events one sweep publishes: a sweep catches up batch after batch until nothing is due or it sent this many.</summary>
    [Range(1, 10_000_000)]
    public int MaxPerSweep { get; set; } = 5000;

    public TimeSpan PublishTimeout => TimeSpan.FromMilliseconds(PublishTimeoutMs);

    /// <summary>
    /// How long a relay holds the calls it claimed before another relay may take them: far more than a batch's
    /// publishes can take (each waits at most <see cref="PublishTimeout"/> for a slot and as long for the broker).
    /// </summary>
    public TimeSpan ClaimLease => TimeSpan.FromSeconds(Math.Max(60, 4 * PublishTimeoutMs / 1000.0));
}
