using System.Threading.Channels;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Publishes the events that requests owe, in the background: a request stores the call (its row owes the event)
/// and hands the call here, so its answer never waits on the broker. What this cannot publish in time (a slow,
/// hung or stopped broker, a full queue, a restart) the relay publishes from the store after
/// <see cref="OutboxOptions.UnpublishedGraceSeconds"/>.
/// </summary>
public sealed class OutboxDispatcher(
    IBus bus, TimedPublisher publisher, PublishConfirmations confirmations, TimeProvider clock,
    IOptions<OutboxOptions> options, IHostApplicationLifetime lifetime, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly Channel<OwedEvent> _queue = Channel.CreateBounded<OwedEvent>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly TimeSpan _grace = TimeSpan.FromSeconds(options.Value.UnpublishedGraceSeconds);

    /// <summary>Queues the event the stored <paramref name="call"/> owes; never waits (a full queue leaves it to the relay).</summary>
    public void Enqueue(CallLog call)
    {
        var owed = OwedEvent.Of(call);
        if (owed.Message() is not null && !_queue.Writer.TryWrite(owed))
        {
            logger.LogWarning("The publish queue is full; the event of call log {CallLogId} is left to the outbox relay", call.Id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Events queued before the bus started wait here (or, past the grace, are left to the relay).
            await BusStarted.WaitAsync(lifetime, stoppingToken);
            await foreach (var owed in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                // An event that waited past the grace is the relay's now; sending it too would only duplicate it.
                if (_grace > TimeSpan.Zero && clock.GetUtcNow() - owed.StageChangedAt > _grace)
                {
                    continue;
                }
                // Waiting for a slot here, rather than starting a task per event, is what bounds memory while the broker
                // hangs: the queue fills up, and later calls are left in the store for the relay.
                await publisher.WaitForSlotAsync(Timeout.InfiniteTimeSpan, stoppingToken);
                _ = PublishAsync(owed, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: queued events stay owed in the store.
        }
    }

    private async Task PublishAsync(OwedEvent owed, CancellationToken cancellationToken)
    {
        using var activity = CekuraTelemetry.StartInTrace("publish owed event", owed.TraceId);
        activity?.SetTag("cekura.call_log_id", owed.CallLogId);
        activity?.SetTag("cekura.stage", owed.Stage.ToString());
        try
        {
            if (await publisher.PublishInSlotAsync(bus, owed.Message()!, owed.CallLogId, cancellationToken))
            {
                confirmations.Add(owed);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
