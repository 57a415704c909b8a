using Cekura.Contracts.Calls;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Calls;

/// <summary>What one sweep did: events claimed, and how many of them the bus confirmed.</summary>
public readonly record struct OutboxSweep(int Claimed, int Published);

/// <summary>
/// Closes the gap between "stored" and "published": any call whose stage event was never confirmed (a broker that
/// was down or hung, a crash between the write and the publish) or whose next stage never ran (an in-memory bus lost
/// with its process) gets its event again. Consumers are idempotent, so a duplicate costs nothing.
/// Several ingest replicas may run it over one store: each call is claimed by one relay at a time. Each call backs
/// off on its own, so a backlog that is merely slow is nudged once per interval (longer each time), not every sweep.
/// </summary>
public sealed class OutboxRelay(
    ICallOutbox outbox, ICallStore store, IServiceScopeFactory scopes, IBus bus, TimedPublisher publisher, TimeProvider clock,
    IOptions<OutboxOptions> outboxOptions, IOptions<BusOptions> busOptions, IHostApplicationLifetime lifetime, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private readonly OutboxOptions _options = outboxOptions.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Messages on an in-memory bus die with the process, so after a restart nothing published earlier is in flight:
        // every owed event is overdue, whatever a claim or back-off from before the restart says.
        var afterRestart = busOptions.Value.Transport == BusTransport.InMemory;
        // Not before the bus has started: an in-memory bus confirms what it cannot deliver yet (see BusStarted).
        await BusStarted.WaitAsync(lifetime, stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.SweepIntervalSeconds), clock);
        do
        {
            try
            {
                if (afterRestart)
                {
                    await outbox.ReleaseClaimsAsync(stoppingToken);
                }
                var now = clock.GetUtcNow();
                await SweepAsync(Due(now, afterRestart), now, stoppingToken);
                afterRestart = false;
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

    /// <summary>Which owed events are overdue at <paramref name="now"/>.</summary>
    public OutboxDue Due(DateTimeOffset now, bool afterRestart = false) => new(
        UnconfirmedBefore: now.AddSeconds(-_options.UnpublishedGraceSeconds),
        StalledBefore: afterRestart ? now : now.AddSeconds(-_options.RepublishAfterSeconds),
        ClaimedBefore: now);

    /// <summary>
    /// Publishes overdue events batch after batch until none is left, <see cref="OutboxOptions.MaxPerSweep"/> were
    /// claimed, or the bus took none of a whole batch (it is down: the rest waits for the next sweep).
    /// </summary>
    public async Task<OutboxSweep> SweepAsync(OutboxDue due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claimed = 0;
        var published = 0;
        while (claimed < _options.MaxPerSweep)
        {
            var claims = await outbox.ClaimDueAsync(
                due, Math.Min(_options.BatchSize, _options.MaxPerSweep - claimed), now + _options.ClaimLease, cancellationToken);
            if (claims.Count == 0)
            {
                break;
            }
            var settlements = await Task.WhenAll(claims.Select(claim => RepublishAsync(claim, now, cancellationToken)));
            await outbox.SettleAsync(settlements, cancellationToken);
            claimed += claims.Count;
            var confirmed = settlements.Count(s => s.PublishedAt is not null);
            published += confirmed;
            if (confirmed == 0)
            {
                break;
            }
        }
        if (claimed > 0)
        {
            logger.LogInformation("Outbox relay republished {Published} of {Claimed} owed call events", published, claimed);
        }
        return new OutboxSweep(claimed, published);
    }

    /// <summary>Publishes one claimed event; whatever goes wrong with it is this call's alone and ends in its back-off.</summary>
    private async Task<OutboxSettlement> RepublishAsync(OutboxClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = CekuraTelemetry.StartInTrace("outbox republish", claim.TraceId);
        activity?.SetTag("cekura.call_log_id", claim.CallLogId);
        activity?.SetTag("cekura.stage", claim.Stage);
        var published = false;
        try
        {
            var message = (Enum.TryParse<CallStage>(claim.Stage, ignoreCase: true, out var stage)
                    ? CallStageEvents.For(stage, claim.CallLogId, claim.ProjectId) : null)
                ?? throw new InvalidOperationException($"Stage '{claim.Stage}' announces no event this version knows.");
            published = await publisher.WaitForSlotAsync(_options.PublishTimeout, cancellationToken)
                && await publisher.PublishInSlotAsync(bus, message, claim.CallLogId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Republishing the event owed by call log {CallLogId} failed; trying again later", claim.CallLogId);
        }
        return published
            ? new OutboxSettlement(claim, now, now + Backoff(_options.RepublishAfterSeconds, claim.Attempt, _options.MaxRepublishAfterSeconds))
            : new OutboxSettlement(claim, null, now + Backoff(
                Math.Max(_options.UnpublishedGraceSeconds, _options.SweepIntervalSeconds), claim.Attempt, _options.RepublishAfterSeconds));
    }

    /// <summary><paramref name="firstSeconds"/> after the first attempt, doubling with each further one, at most <paramref name="maxSeconds"/>.</summary>
    internal static TimeSpan Backoff(double firstSeconds, int attempt, double maxSeconds) =>
        TimeSpan.FromSeconds(Math.Min(maxSeconds, firstSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30))));

    /// <summary>
    /// Sends the stage event again for every call whose redelivery is due (a stage failed on a transient error after
    /// its in-memory retries), then clears that due time unless the stage scheduled a newer one meanwhile.
    /// </summary>
    public async Task<int> RedriveDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await store.ListDueRedeliveriesAsync(now, _options.BatchSize, cancellationToken);
        foreach (var call in due)
        {
            using var activity = CekuraTelemetry.StartInTrace("redelivery", call.TraceId);
            activity?.SetTag("cekura.call_log_id", call.Id);
            activity?.SetTag("cekura.stage", call.Stage.ToString());
            try
            {
                using var scope = scopes.CreateScope();
                // Only a confirmed publish clears the due time: with the broker still down the next sweep tries again.
                if (await scope.ServiceProvider.GetRequiredService<CallEventPublisher>().PublishOwedAsync(call, cancellationToken))
                {
                    await scope.ServiceProvider.GetRequiredService<CallLogWriter>().ClearRedeliveryAsync(call.Id, call.RedeliverAt!.Value, cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One call's trouble is its own: the others due now are still sent.
                logger.LogWarning(e, "Re-driving call log {CallLogId} failed; trying again at the next sweep", call.Id);
            }
        }
        if (due.Count > 0)
        {
            logger.LogInformation("Outbox relay re-drove {Count} calls due for redelivery", due.Count);
        }
        return due.Count;
    }
}
