using Cekura.Contracts.Traces;

namespace Cekura.Hosting.Storage;

/// <summary>
/// A voice agent's own spans, kept per project and indexed by trace id (SQLite embedded, MongoDB distributed).
/// Spans may arrive before or after the call that names their trace id.
/// </summary>
public interface IAgentTraceStore
{
    /// <summary>
    /// Stores spans for the project; a span already stored (same trace and span id) is replaced, never duplicated,
    /// so an exporter's retry is harmless. Caps per trace are applied here; what they drop is counted on the trace.
    /// Returns how many of <paramref name="spans"/> the per-trace span cap dropped (the receiver reports them as
    /// rejected); callers that ignore it may await it as a plain task.
    /// </summary>
    Task<long> AppendAsync(long projectId, IReadOnlyList<AgentSpan> spans, CancellationToken cancellationToken);

    /// <summary>The project's trace, spans ordered by start time; null when the project has no span of it.</summary>
    Task<AgentTrace?> GetAsync(long projectId, string traceId, CancellationToken cancellationToken);

    /// <summary>Deletes spans received before <paramref name="cutoff"/> (retention); returns how many.</summary>
    Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> traces that received spans no later than <paramref name="quietSince"/> and
    /// have not been settled since (<see cref="SettleAsync"/>), oldest first, for <paramref name="lease"/> from
    /// <paramref name="now"/>: another caller (another ingest replica) is not given them until the lease ends, and a
    /// claim that is never settled (its process died) is given again after it. Every stored export marks its trace, so
    /// what waits for the quiet time is in the store, not in a process's memory.
    /// </summary>
    Task<IReadOnlyList<QuietTrace>> ClaimQuietAsync(
        DateTimeOffset quietSince, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Ends claims, in one write: each trace is settled up to its <see cref="QuietTrace.LastSpanAt"/>. Spans stored
    /// after the claim was made keep a trace owed (it is claimed again once quiet); only its claim is released then.
    /// </summary>
    Task SettleAsync(IReadOnlyList<QuietTrace> traces, CancellationToken cancellationToken);
}

/// <summary>A trace whose exports have stopped: the project, its id, and when its last spans were stored (to the millisecond).</summary>
public sealed record QuietTrace(long ProjectId, string TraceId, DateTimeOffset LastSpanAt);
