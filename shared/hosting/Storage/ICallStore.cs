using Cekura.Contracts.Calls;

namespace Cekura.Hosting.Storage;

/// <summary>
/// Durable CallLog storage. Implementations are thin: every rule about stages lives in
/// <see cref="Calls.CallLogWriter"/>, so the same contract tests cover every store.
/// Every read a request can trigger takes the tenant's project id, so a call of another project is simply not
/// found; only <see cref="GetForWorkerAsync"/> reads across projects, for the stage workers.
/// </summary>
public interface ICallStore
{
    /// <summary>Stores a new call, assigning <c>Id</c> and <c>Version = 1</c>.</summary>
    /// <exception cref="DuplicateCallException">The project already has a call with this <c>call_id</c>.</exception>
    Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken);

    /// <summary>The project's call with this id; null when there is none or it belongs to another project.</summary>
    Task<CallLog?> GetAsync(long projectId, long id, CancellationToken cancellationToken);

    /// <summary>The project's call with this provider <c>call_id</c> (exact match); null when there is none.</summary>
    Task<CallLog?> FindByCallIdAsync(long projectId, string callId, CancellationToken cancellationToken);

    /// <summary>
    /// Any project's call with this id. <b>Workers only</b>: the stage consumers, the outbox and the call workflow
    /// get ids from the bus or from the store itself, never from a client. A request handler uses
    /// <see cref="GetAsync"/> with the tenant's project id.
    /// </summary>
    Task<CallLog?> GetForWorkerAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="updated"/> only if the stored call of <c>updated.ProjectId</c> still has
    /// <c>updated.Version</c> (compare-and-swap); returns the stored call with the next version, or null on a
    /// conflict or a missing call.
    /// </summary>
    Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken);

    /// <summary>Deletes the project's call; false when the project has no call with this id.</summary>
    Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken);

    Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The project's calls whose <c>trace_id</c> is <paramref name="traceId"/> (lower-case hex), at most
    /// <paramref name="limit"/>: the calls a voice agent's late spans belong to.
    /// </summary>
    Task<IReadOnlyList<CallLog>> ListByTraceIdAsync(long projectId, string traceId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Unfinished calls whose scheduled redelivery (<see cref="CallLog.RedeliverAt"/>) is due at <paramref name="now"/>,
    /// the longest overdue first.
    /// </summary>
    Task<IReadOnlyList<CallLog>> ListDueRedeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// How many calls, across every project, wait at each unfinished stage, and how many owe their stage's event (recorded,
    /// publish not yet confirmed). Answered from indexes holding only such calls, so its cost follows the backlog, not
    /// the number of calls stored: the metrics' gauges read it.
    /// </summary>
    Task<CallBacklog> CountBacklogAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The pipeline's backlog: calls waiting at each unfinished stage (every stage but <c>evaluated</c> and
/// <c>failed</c>; a stage with none is absent) and calls whose stage's event is owed (see <see cref="ICallOutbox"/>).
/// </summary>
public sealed record CallBacklog(IReadOnlyDictionary<CallStage, long> Waiting, long OwedEvents);

public sealed class DuplicateCallException(long existingId, string callId)
    : Exception($"A call log with call_id '{callId}' already exists in this project.")
{
    public long ExistingId { get; } = existingId;
}

/// <summary>A page of calls of one project, newest <c>timestamp</c> first; every condition set must hold.</summary>
public sealed record CallQuery
{
    public required long ProjectId { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public long? AgentId { get; init; }

    /// <summary>Case-insensitive substring of the provider's <c>call_id</c>.</summary>
    public string? Search { get; init; }

    /// <summary>CallLog ids (<see cref="CallLog.Id"/>), as the API's <c>call_ids</c>; an empty list matches nothing.</summary>
    public IReadOnlyList<long>? Ids { get; init; }

    /// <summary>The API's <c>filters_v2</c>, already validated.</summary>
    public CallFilter? Filter { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed record CallPage(long Count, IReadOnlyList<CallLog> Items);
