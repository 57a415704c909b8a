using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Closes the gap between "stored" and "published": any call whose stage event was never confirmed (a crash
/// between the write and the publish) or whose next stage never ran (an in-memory bus lost with its process)
/// gets its event again. Consumers are idempotent, so a duplicate costs nothing.
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes, ICallStore store, TimeProvider clock,
    IOptions<OutboxOptions> outboxOptions, IOptions<BusOptions> busOptions, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = outboxOptions.Value;
        // Messages on an in-memory bus die with the process, so after a restart nothing published earlier is in flight.
        var firstSweep = busOptions.Value.Transport == BusTransport.InMemory;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SweepIntervalSeconds), clock);
        do
        {
            try
            {
                var now = clock.GetUtcNow();
                var stalledBefore = firstSweep ? now : now.AddSeconds(-options.RepublishAfterSeconds);
                await SweepAsync(now.AddSeconds(-options.UnpublishedGraceSeconds), stalledBefore, stoppingToken);
                firstSweep = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Outbox sweep failed; retrying at the next interval");
            }
            try
            {
                await RedriveDueAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Redelivery sweep failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(DateTimeOffset unconfirmedBefore, DateTimeOffset stalledBefore, CancellationToken cancellationToken)
    {
        var owing = await store.ListOwingEventsAsync(unconfirmedBefore, stalledBefore, BatchSize, cancellationToken);
        foreach (var call in owing)
        {
            using var activity = CekuraTelemetry.StartInTrace("outbox republish", call.TraceId);
            activity?.SetTag("cekura.call_log_id", call.Id);
            activity?.SetTag("cekura.stage", call.Stage.ToString());
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<CallEventPublisher>().PublishOwedAsync(call, cancellationToken);
        }
        if (owing.Count > 0)
        {
            logger.LogInformation("Outbox relay republished {Count} owed call events", owing.Count);
        }
        return owing.Count;
    }

    /// <summary>
    /// Sends the stage event again for every call whose redelivery is due (a stage failed on a transient error after
    /// its in-memory retries), then clears that due time unless the stage scheduled a newer one meanwhile.
    /// </summary>
    public async Task<int> RedriveDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await store.ListDueRedeliveriesAsync(now, BatchSize, cancellationToken);
        foreach (var call in due)
        {
            using var activity = CekuraTelemetry.StartInTrace("redelivery", call.TraceId);
            activity?.SetTag("cekura.call_log_id", call.Id);
            activity?.SetTag("cekura.stage", call.Stage.ToString());
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<CallEventPublisher>().PublishOwedAsync(call, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<CallLogWriter>().ClearRedeliveryAsync(call.Id, call.RedeliverAt!.Value, cancellationToken);
        }
        if (due.Count > 0)
        {
            logger.LogInformation("Outbox relay re-drove {Count} calls due for redelivery", due.Count);
        }
        return due.Count;
    }
}
