using System.Collections.Concurrent;

namespace Cekura.LoadGenerator.Measuring;

/// <summary>A call that was answered <c>201</c>: its CallLog id and when it was due to be sent.</summary>
public sealed record AcceptedCall(long Id, DateTimeOffset SentAt, bool HasRecording, string Format);

/// <summary>What one phase sent and got back. Thread-safe while the phase runs.</summary>
public sealed class PhaseResult(string name, string mode, bool noOp)
{
    private readonly ConcurrentQueue<double> _latenciesMs = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly ConcurrentQueue<AcceptedCall> _accepted = new();
    private int _sent;

    public string Name { get; } = name;
    public string Mode { get; } = mode;
    public bool NoOp { get; } = noOp;
    public DateTimeOffset StartedAt { get; set; }
    public double Seconds { get; set; }
    public long BodyBytes { get; set; }

    public int Sent => _sent;
    public int Accepted => _outcomes.GetValueOrDefault("201");
    public double AcceptedPerSecond => Seconds > 0 ? Accepted / Seconds : 0;

    /// <summary>Counts by outcome: an HTTP status code, or timeout, connection, dropped (open loop over its in-flight cap).</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;
    public IEnumerable<KeyValuePair<string, int>> Errors => _outcomes.Where(o => o.Key != "201").OrderBy(o => o.Key, StringComparer.Ordinal);
    public int ErrorCount => _outcomes.Where(o => o.Key != "201").Sum(o => o.Value);

    public Percentiles Latency => new(_latenciesMs);
    public IReadOnlyCollection<AcceptedCall> Calls => _accepted;

    public void CountSent() => Interlocked.Increment(ref _sent);

    /// <summary>Every answered or failed request, with its latency counted from when it was due (open loop) or sent (closed loop).</summary>
    public void Record(string outcome, double latencyMs, AcceptedCall? accepted)
    {
        _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        _latenciesMs.Enqueue(latencyMs);
        if (accepted is not null)
        {
            _accepted.Enqueue(accepted);
        }
    }

    /// <summary>A send the generator skipped (no latency: nothing was sent).</summary>
    public void RecordDropped() => _outcomes.AddOrUpdate("dropped", 1, (_, n) => n + 1);
}
