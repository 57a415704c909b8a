using Cekura.Contracts.Calls;

namespace Cekura.Hosting.Storage;

/// <summary>
/// Durable CallLog storage. Implementations are thin: every rule about stages lives in
/// <see cref="Calls.CallLogWriter"/>, so the same contract tests cover every store.
/// </summary>
public interface ICallStore
{
    /// <summary>Stores a new call, assigning <c>Id</c> and <c>Version = 1</c>.</summary>
    /// <exception cref="DuplicateCallException">The project already has a call with this <c>call_id</c>.</exception>
    Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken);

    Task<CallLog?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="updated"/> only if the stored version still equals <c>updated.Version</c>
    /// (compare-and-swap); returns the stored call with the next version, or null on a conflict or a missing call.
    /// </summary>
    Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);

    Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Calls that still owe their stage's event: not confirmed and changed before <paramref name="unconfirmedBefore"/>,
    /// or confirmed before <paramref name="stalledBefore"/> while a later stage should have run.
    /// </summary>
    Task<IReadOnlyList<CallLog>> ListOwingEventsAsync(
        DateTimeOffset unconfirmedBefore, DateTimeOffset stalledBefore, int limit, CancellationToken cancellationToken);
}

public sealed class DuplicateCallException(long existingId, string callId)
    : Exception($"A call log with call_id '{callId}' already exists in this project.")
{
    public long ExistingId { get; } = existingId;
}

/// <summary>A page of calls of one project, newest <c>timestamp</c> first.</summary>
public sealed record CallQuery
{
    public required long ProjectId { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public long? AgentId { get; init; }

    /// <summary>Case-insensitive substring of <c>call_id</c>.</summary>
    public string? Search { get; init; }
    public IReadOnlyList<string>? CallIds { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed record CallPage(long Count, IReadOnlyList<CallLog> Items);
