using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Logging;

namespace Cekura.Hosting.Calls;

/// <summary>What a stage decided for one call: its fields to record, or why the call cannot go on.</summary>
public sealed record StageOutcome
{
    public Func<CallLog, CallLog>? Apply { get; private init; }
    public string? Failure { get; private init; }

    public static StageOutcome Advance(Func<CallLog, CallLog> apply) => new() { Apply = apply };

    public static StageOutcome Fail(string reason) => new() { Failure = reason };
}

/// <summary>
/// The body every stage consumer shares: load the call, skip work already recorded, record the stage's own
/// fields atomically, publish the next fact.
/// </summary>
public sealed class CallStageRunner(
    ICallStore store, CallLogWriter writer, CallEventPublisher publisher, ILogger<CallStageRunner> logger)
{
    public async Task RunAsync(
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

        var outcome = await work(call, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            logger.LogWarning("Call log {CallLogId} failed at stage {Stage}: {Reason}", callLogId, to, failure);
            await writer.FailAsync(callLogId, from, failure, cancellationToken, call.TranscriptRevision);
            return;
        }
        var saved = await writer.AdvanceAsync(callLogId, from, to, outcome.Apply!, cancellationToken, call.TranscriptRevision);
        if (saved is not null)
        {
            await publisher.PublishOwedAsync(saved, cancellationToken);
        }
    }

    /// <summary>Called once retries are exhausted: the message goes to the error queue, the call records why.</summary>
    public async Task RecordFaultAsync(long callLogId, CallStage from, string stageName, IEnumerable<string> exceptionMessages,
        CancellationToken cancellationToken)
    {
        var reason = $"{stageName} failed: {string.Join("; ", exceptionMessages.Distinct())}";
        await writer.FailAsync(callLogId, from, reason, cancellationToken);
    }
}
