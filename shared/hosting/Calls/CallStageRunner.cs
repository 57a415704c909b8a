using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Calls;

/// <summary>What a stage decided for one call: its fields to record, or why the call cannot go on.</summary>
public sealed record StageOutcome
{
    public Func<CallLog, CallLog>? Apply { get; private init; }
    public string? Failure { get; private init; }

    /// <summary>Runs once the stage's result is stored (never for a redelivery that finds it stored): for effects counted once.</summary>
    public Action<CallLog>? Recorded { get; private init; }

    public static StageOutcome Advance(Func<CallLog, CallLog> apply, Action<CallLog>? recorded = null) =>
        new() { Apply = apply, Recorded = recorded };

    public static StageOutcome Fail(string reason) => new() { Failure = reason };
}

/// <summary>
/// The body every stage consumer shares: load the call, skip work already recorded, record the stage's own
/// fields atomically, publish the next fact. A transient failure that outlasts the in-memory retries schedules a
/// redelivery on the call (the outbox relay re-drives it) instead of failing the call. Durations and failures are
/// counted only when their write lands, so a redelivery counts nothing twice.
/// </summary>
public sealed class CallStageRunner(
    ICallStore store, CallLogWriter writer, CallEventPublisher publisher, IOptions<BusOptions> busOptions,
    CekuraMetrics metrics, ILogger<CallStageRunner> logger)
{
    public async Task RunAsync(
        ConsumeContext context, long callLogId, CallStage from, CallStage to,
        Func<CallLog, CancellationToken, Task<StageOutcome>> work)
    {
        var cancellationToken = context.CancellationToken;
        try
        {
            await RunStageAsync(callLogId, from, to, work, cancellationToken);
        }
        // Only on the last in-memory attempt (earlier ones the retry filter repeats within seconds), or at once for a
        // backend its client already retried.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && TransientFailures.IsTransient(e)
            && (e is BackendUnavailableException || context.GetRetryAttempt() >= busOptions.Value.Retry.Limit))
        {
            if (await TryRedeliverAsync(callLogId, to, e, cancellationToken) != RedeliveryDecision.BudgetSpent)
            {
                return;
            }
            if (e is BackendUnavailableException)
            {
                // The message itself is fine; the backend's own words are the call's error, as for any stage outcome.
                await FailAsync(callLogId, from, e.Message, cancellationToken);
                return;
            }
            // Out of redeliveries: the error queue keeps the message and the fault consumer records why on the call.
            ExceptionDispatchInfo.Throw(e);
        }
    }

    private async Task<RedeliveryDecision> TryRedeliverAsync(long callLogId, CallStage to, Exception failure, CancellationToken cancellationToken)
    {
        var redelivery = busOptions.Value.Redelivery;
        RedeliveryDecision decision;
        try
        {
            decision = await writer.ScheduleRedeliveryAsync(callLogId, redelivery.Limit, redelivery.Delay, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The store is still down: the fault consumer tries again (and failing that, the relay's stall sweep).
            logger.LogWarning(e, "Call log {CallLogId}: could not schedule a redelivery of stage {Stage}", callLogId, to);
            throw new StageRedeliveryException(failure.Message, failure);
        }
        if (decision == RedeliveryDecision.Scheduled)
        {
            logger.LogWarning(failure, "Call log {CallLogId}: stage {Stage} failed on a transient error; redelivery scheduled", callLogId, to);
        }
        return decision;
    }

    private async Task RunStageAsync(
        long callLogId, CallStage from, CallStage to,
        Func<CallLog, CancellationToken, Task<StageOutcome>> work, CancellationToken cancellationToken)
    {
        var call = await store.GetForWorkerAsync(callLogId, cancellationToken);
        if (call is null)
        {
            logger.LogInformation("Call log {CallLogId} no longer exists; nothing to do for stage {Stage}", callLogId, to);
            return;
        }
        if (call.Stage != from)
        {
            // Redelivery after the stage was recorded: only the announcement may still be owed.
            if (call.Stage == to && call.OutboxPublishedAt is null)
            {
                await publisher.PublishOwedAsync(call, cancellationToken);
            }
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var outcome = await work(call, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            logger.LogWarning("Call log {CallLogId} failed at stage {Stage}: {Reason}", callLogId, to, failure);
            await FailAsync(callLogId, from, failure, cancellationToken, call.TranscriptRevision);
            return;
        }
        var saved = await writer.AdvanceAsync(call, from, to, outcome.Apply!, cancellationToken);
        if (saved is not null)
        {
            metrics.StageCompleted(from, Stopwatch.GetElapsedTime(started));
            outcome.Recorded?.Invoke(saved);
            await publisher.PublishOwedAsync(saved, cancellationToken);
        }
    }

    /// <summary>
    /// Called once retries are exhausted: the message goes to the error queue, the call records why. A transient
    /// failure whose redelivery could not be scheduled gets that second chance here instead (the store may be back).
    /// </summary>
    public async Task RecordFaultAsync(long callLogId, CallStage from, string stageName, IReadOnlyCollection<ExceptionInfo> exceptions,
        CancellationToken cancellationToken)
    {
        if (exceptions.Any(e => e.ExceptionType == typeof(StageRedeliveryException).FullName))
        {
            var redelivery = busOptions.Value.Redelivery;
            if (await writer.ScheduleRedeliveryAsync(callLogId, redelivery.Limit, redelivery.Delay, cancellationToken)
                != RedeliveryDecision.BudgetSpent)
            {
                return;
            }
        }
        var reason = $"{stageName} failed: {string.Join("; ", exceptions.Select(e => e.Message).Distinct())}";
        await FailAsync(callLogId, from, reason, cancellationToken);
    }

    private async Task FailAsync(long callLogId, CallStage from, string reason, CancellationToken cancellationToken, int? transcriptRevision = null)
    {
        if (await writer.FailAsync(callLogId, from, reason, cancellationToken, transcriptRevision) is not null)
        {
            metrics.CallFailed(from);
        }
    }
}
