namespace Cekura.Ingest.Traces;

/// <summary>
/// Which traces received spans, and when last: a trace is due once no export of it has arrived for the quiet time, so
/// a burst of exports (an SDK's batches, a retry) is acted on once. Thread-safe; plain C#.
/// </summary>
public sealed class TraceArrivals
{
    private readonly Dictionary<(long ProjectId, string TraceId), DateTimeOffset> _last = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _last.Count;
            }
        }
    }

    public void Touch(long projectId, IEnumerable<string> traceIds, DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var traceId in traceIds)
            {
                _last[(projectId, traceId)] = now;
            }
        }
    }

    /// <summary>Removes and returns the traces quiet for at least <paramref name="quiet"/> at <paramref name="now"/>.</summary>
    public IReadOnlyList<(long ProjectId, string TraceId)> TakeDue(DateTimeOffset now, TimeSpan quiet)
    {
        lock (_lock)
        {
            var due = _last.Where(e => now - e.Value >= quiet).Select(e => e.Key).ToList();
            foreach (var key in due)
            {
                _last.Remove(key);
            }
            return due;
        }
    }
}
