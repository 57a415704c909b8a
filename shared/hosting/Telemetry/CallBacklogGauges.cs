using System.Diagnostics.Metrics;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cekura.Hosting.Telemetry;

/// <summary>
/// <c>cekura.calls.in_stage</c> and <c>cekura.outbox.owed</c>: the store's backlog (<see cref="ICallStore.CountBacklogAsync"/>)
/// as observable gauges. An export reads the last counts and, when they are older than <see cref="MaxAge"/>, starts one
/// read in the background: the export thread never waits on the store, a scrape storm costs one query per
/// <see cref="MaxAge"/>, and a store outage leaves the gauges at their last values (a warning is logged) rather than
/// stalling every other metric. Values therefore lag by up to one export interval plus <see cref="MaxAge"/>.
/// Runs with the outbox relay (the ingest module); several replicas report the same counts, so a dashboard takes
/// their <c>max</c>.
/// </summary>
public sealed class CallBacklogGauges(CekuraMetrics metrics, ICallStore store, TimeProvider clock, ILogger<CallBacklogGauges> logger)
    : IHostedService
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private static readonly CallStage[] WaitingStages = Enum.GetValues<CallStage>().Where(s => !CallStageEvents.IsTerminal(s)).ToArray();

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private CallBacklog? _last;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private Task? _reading;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var inStage = CekuraMetrics.Describe(CekuraMetrics.CallsInStage);
        metrics.Meter.CreateObservableGauge(inStage.Name, ObserveWaiting, inStage.Unit, inStage.Description);
        var owed = CekuraMetrics.Describe(CekuraMetrics.OutboxOwed);
        metrics.Meter.CreateObservableGauge(owed.Name, ObserveOwed, owed.Unit, owed.Description);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task? reading;
        lock (_lock)
        {
            reading = _reading;
        }
        if (reading is not null)
        {
            await reading.WaitAsync(cancellationToken);
        }
    }

    private IEnumerable<Measurement<long>> ObserveWaiting()
    {
        if (Current() is not { } backlog)
        {
            return [];
        }
        // Every unfinished stage is reported, 0 included, so an emptied stage drops to 0 instead of vanishing.
        return WaitingStages.Select(stage => new Measurement<long>(
            backlog.Waiting.GetValueOrDefault(stage), new KeyValuePair<string, object?>("stage", CekuraMetrics.StageTag(stage))));
    }

    private IEnumerable<Measurement<long>> ObserveOwed() =>
        Current() is { } backlog ? [new Measurement<long>(backlog.OwedEvents)] : [];

    private CallBacklog? Current()
    {
        lock (_lock)
        {
            if (_reading is null && !_stopping.IsCancellationRequested && clock.GetUtcNow() - _readAt >= MaxAge)
            {
                _reading = Task.Run(ReadAsync);
            }
            return _last;
        }
    }

    private async Task ReadAsync()
    {
        CallBacklog? backlog = null;
        try
        {
            backlog = await store.CountBacklogAsync(_stopping.Token);
        }
        catch (Exception e)
        {
            if (!_stopping.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not count the calls waiting per stage; the backlog gauges keep their last values");
            }
        }
        lock (_lock)
        {
            _last = backlog ?? _last;
            // A failed read waits MaxAge too, so an unreachable store is not asked at every collection.
            _readAt = clock.GetUtcNow();
            _reading = null;
        }
    }
}
