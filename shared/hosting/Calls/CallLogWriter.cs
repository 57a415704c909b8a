using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Every change to a stored call goes through here: read, change, compare-and-swap on the version, retry on a
/// conflict. A change function returning null means "nothing to do", which is what makes redelivery harmless.
/// </summary>
public sealed class CallLogWriter(ICallStore store, TimeProvider clock)
{
    private const int MaxAttempts = 50;

    /// <summary>
    /// Changes a call that a request loaded through the tenant-scoped <see cref="ICallStore.GetAsync"/>; every re-read
    /// stays within the call's project.
    /// </summary>
    public Task<CallLog?> UpdateAsync(CallLog loaded, Func<CallLog, CallLog?> change, CancellationToken cancellationToken) =>
        UpdateAsync(loaded.Id, token => store.GetAsync(loaded.ProjectId, loaded.Id, token), change, cancellationToken);

    /// <summary>Changes the call with this id, whichever project it is in: for workers, whose ids come from the bus.</summary>
    public Task<CallLog?> UpdateAsync(long id, Func<CallLog, CallLog?> change, CancellationToken cancellationToken) =>
        UpdateAsync(id, token => store.GetForWorkerAsync(id, token), change, cancellationToken);

    /// <param name="known">
    /// The call as the caller just read it, tried first instead of reading it again: the compare-and-swap on its
    /// version rejects it if anything changed since, and the loop then reads afresh.
    /// </param>
    private async Task<CallLog?> UpdateAsync(
        long id, Func<CancellationToken, Task<CallLog?>> load, Func<CallLog, CallLog?> change, CancellationToken cancellationToken,
        CallLog? known = null)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = attempt == 0 && known is not null ? known : await load(cancellationToken);
            if (current is null)
            {
                return null;
            }
            var changed = change(current);
            if (changed is null)
            {
                return null;
            }
            var saved = await store.ReplaceAsync(
                changed with { Id = current.Id, Version = current.Version, UpdatedAt = clock.GetUtcNow() }, cancellationToken);
            if (saved is not null)
            {
                return saved;
            }
        }
        throw new InvalidOperationException($"Call log {id} kept changing under {MaxAttempts} update attempts.");
    }

    /// <summary>
    /// Records a stage's result and moves the call on, only if it is still at <paramref name="from"/> and, when
    /// <paramref name="transcriptRevision"/> is given, still has the transcript the stage worked on: a transcript
    /// replaced meanwhile sent the call back to the start, and the stage's result belongs to the old one.
    /// </summary>
    public Task<CallLog?> AdvanceAsync(
        long id, CallStage from, CallStage to, Func<CallLog, CallLog> apply, CancellationToken cancellationToken,
        int? transcriptRevision = null) =>
        AdvanceAsync(id, null, from, to, apply, cancellationToken, transcriptRevision);

    /// <summary>
    /// <see cref="AdvanceAsync(long, CallStage, CallStage, Func{CallLog, CallLog}, CancellationToken, int?)"/> for a stage
    /// that read <paramref name="read"/> to do its work: the first attempt writes on that read (one whole-call read
    /// less per stage), on the transcript revision it had.
    /// </summary>
    public Task<CallLog?> AdvanceAsync(
        CallLog read, CallStage from, CallStage to, Func<CallLog, CallLog> apply, CancellationToken cancellationToken) =>
        AdvanceAsync(read.Id, read, from, to, apply, cancellationToken, read.TranscriptRevision);

    private Task<CallLog?> AdvanceAsync(
        long id, CallLog? read, CallStage from, CallStage to, Func<CallLog, CallLog> apply, CancellationToken cancellationToken,
        int? transcriptRevision) =>
        UpdateAsync(id, token => store.GetForWorkerAsync(id, token), call => !At(call, from, transcriptRevision) ? null : apply(call) with
        {
            Stage = to,
            StageChangedAt = clock.GetUtcNow(),
            OutboxPublishedAt = null,
            ErrorMessage = null,
            RedeliverAt = null,
            Redeliveries = 0,
        }, cancellationToken, read);

    /// <summary>
    /// Stops the chain for this call with a reason the client can read; only if it is still at <paramref name="from"/>
    /// (with that transcript, as for <see cref="AdvanceAsync"/>).
    /// </summary>
    public Task<CallLog?> FailAsync(
        long id, CallStage from, string errorMessage, CancellationToken cancellationToken, int? transcriptRevision = null) =>
        UpdateAsync(id, call => !At(call, from, transcriptRevision) ? null : call with
        {
            Stage = CallStage.Failed,
            FailedAt = from,
            StageChangedAt = clock.GetUtcNow(),
            OutboxPublishedAt = clock.GetUtcNow(),
            ErrorMessage = errorMessage,
            RedeliverAt = null,
        }, cancellationToken);

    private static bool At(CallLog call, CallStage stage, int? transcriptRevision) =>
        call.Stage == stage && (transcriptRevision is null || call.TranscriptRevision == transcriptRevision);

    /// <summary>
    /// Asks the outbox relay to send the event of the call's current stage again after <paramref name="delay"/> of the
    /// <paramref name="limit"/> allowed: the stage failed on a transient error. <see cref="RedeliveryDecision.NothingToDo"/>
    /// when the call is gone or finished (the redelivery would change nothing).
    /// </summary>
    public async Task<RedeliveryDecision> ScheduleRedeliveryAsync(
        long id, int limit, Func<int, TimeSpan> delay, CancellationToken cancellationToken)
    {
        var spent = false;
        var saved = await UpdateAsync(id, call =>
        {
            spent = !CallStageEvents.IsTerminal(call.Stage) && call.Redeliveries >= limit;
            return CallStageEvents.IsTerminal(call.Stage) || spent ? null : call with
            {
                Redeliveries = call.Redeliveries + 1,
                RedeliverAt = clock.GetUtcNow() + delay(call.Redeliveries),
            };
        }, cancellationToken);
        return spent ? RedeliveryDecision.BudgetSpent
            : saved is null ? RedeliveryDecision.NothingToDo
            : RedeliveryDecision.Scheduled;
    }

    /// <summary>The relay re-drove the redelivery due at <paramref name="dueAt"/>; a newer one scheduled meanwhile stays.</summary>
    public Task<CallLog?> ClearRedeliveryAsync(long id, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        UpdateAsync(id, call => call.RedeliverAt != dueAt ? null : call with { RedeliverAt = null }, cancellationToken);

}

public enum RedeliveryDecision
{
    Scheduled,
    NothingToDo,
    BudgetSpent,
}
