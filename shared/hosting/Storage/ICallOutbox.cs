using Cekura.Contracts.Calls;

namespace Cekura.Hosting.Storage;

/// <summary>
/// The calls table seen as the outbox of the events their stages owe. A call owes its stage's event from the moment
/// the stage is recorded (<see cref="CallLog.OutboxPublishedAt"/> null) until a publish is confirmed; the relay claims
/// owed events that are overdue, republishes them and settles each claim with the time it may next look at the call.
/// Implemented by the call stores themselves: these are the same rows <see cref="ICallStore"/> writes.
/// </summary>
public interface ICallOutbox
{
    /// <summary>
    /// Records that the bus confirmed these events, all in one write. An event whose call has moved on to another
    /// stage (or was confirmed already, or is gone) is skipped.
    /// </summary>
    Task MarkPublishedAsync(IReadOnlyCollection<OwedEvent> events, DateTimeOffset publishedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> overdue events, most overdue first, in one atomic step: two relays sharing
    /// the store never get the same call. Each claimed call is left alone by every relay until
    /// <paramref name="leaseUntil"/>, or until the claim is settled.
    /// </summary>
    Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(OutboxDue due, int max, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Ends claims, all in one write: a published event is recorded as confirmed; either way the call is left alone
    /// until the settlement's <see cref="OutboxSettlement.NextAttemptAt"/>. A claim that has expired and been taken by
    /// another relay, or whose call moved on meanwhile, is skipped.
    /// </summary>
    Task SettleAsync(IReadOnlyCollection<OutboxSettlement> settlements, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets every claim and back-off, so every owed event is due by its stage alone: for a relay starting over an
    /// in-memory bus, on which nothing published before the restart survived.
    /// </summary>
    Task ReleaseClaimsAsync(CancellationToken cancellationToken);
}

/// <summary>The event one stage of one call owes; <see cref="StageChangedAt"/> tells this stage apart from a later visit to it.</summary>
/// <param name="HasRecording">Whether the call has a stored recording (it picks the transcription stage's lane).</param>
public sealed record OwedEvent(
    long CallLogId, long ProjectId, CallStage Stage, DateTimeOffset StageChangedAt, string? TraceId, bool? HasRecording = null)
{
    public static OwedEvent Of(CallLog call) =>
        new(call.Id, call.ProjectId, call.Stage, call.StageChangedAt, call.TraceId, call.Recording is not null);

    /// <summary>The message announcing the stage, or null for a stage that announces nothing.</summary>
    public object? Message() => CallStageEvents.For(Stage, CallLogId, ProjectId, HasRecording);
}

/// <summary>
/// Which owed events are overdue: never confirmed and recorded before <see cref="UnconfirmedBefore"/>; confirmed
/// before <see cref="StalledBefore"/> while the next stage never ran; or claimed earlier by a relay whose lease or
/// back-off ended before <see cref="ClaimedBefore"/>.
/// </summary>
public sealed record OutboxDue(DateTimeOffset UnconfirmedBefore, DateTimeOffset StalledBefore, DateTimeOffset ClaimedBefore);

/// <summary>
/// One claimed event. <see cref="Stage"/> is the stored stage name as is (a row written by a newer version may name a
/// stage this one does not know); <see cref="Attempt"/> counts the claims of this stage of this call, this one included.
/// </summary>
public sealed record OutboxClaim(
    long CallLogId, long ProjectId, string Stage, DateTimeOffset StageChangedAt, string? TraceId, string ClaimId, int Attempt);

/// <summary>How a claim ended: <see cref="PublishedAt"/> when the bus confirmed the event, null when it did not.</summary>
public sealed record OutboxSettlement(OutboxClaim Claim, DateTimeOffset? PublishedAt, DateTimeOffset NextAttemptAt);
