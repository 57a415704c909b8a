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
}
