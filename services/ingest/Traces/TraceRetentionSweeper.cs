using Cekura.Hosting.Defaults;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Traces;

/// <summary>
/// Deletes spans received more than <see cref="TracesOptions.RetentionDays"/> ago. Spans are kept apart from calls
/// (they may come before the call, or for no call at all), so they age by their own clock; every ingest replica
/// sweeps, and two deleting the same spans is harmless.
/// </summary>
public sealed class TraceRetentionSweeper(
    IAgentTraceStore store, TimeProvider clock, IOptions<TracesOptions> options, ILogger<TraceRetentionSweeper> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.RetentionDays is null
            ? Task.CompletedTask
            : PeriodicRounds.RunAsync(TimeSpan.FromMinutes(options.Value.SweepIntervalMinutes), clock, SweepAsync,
                e => logger.LogWarning(e, "Span retention sweep failed; retrying at the next interval"),
                stoppingToken);

    public async Task<long> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (options.Value.RetentionDays is not { } days)
        {
            return 0;
        }
        var deleted = await store.DeleteOlderThanAsync(now.AddDays(-days), cancellationToken);
        if (deleted > 0)
        {
            logger.LogInformation("Span retention deleted {Count} spans received more than {Days} days ago", deleted, days);
        }
        return deleted;
    }
}
