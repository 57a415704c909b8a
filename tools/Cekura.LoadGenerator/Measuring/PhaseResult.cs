using System.Collections.Concurrent;

namespace Cekura.LoadGenerator.Measuring;

/// <summary>A call that was answered <c>201</c>: its CallLog id and when it was due to be sent.</summary>
public sealed record AcceptedCall(long Id, DateTimeOffset SentAt, bool HasRecording, string Format);

/// <summary>What one phase sent and got back. Thread-safe while the phase runs.</summary>
public sealed class PhaseResult(string name, string mode, bool noOp)
{
    private readonly ConcurrentQueue<double> _latenciesMs = new();
    private readonly ConcurrentQueue<double> _recordedLatenciesMs = new();
    private readonly ConcurrentQueue<double> _plainLatenciesMs = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly ConcurrentQueue<AcceptedCall> _accepted = new();
    private int _sent;
    private int _acceptedInWindow;

    public string Name { get; } = name;
    public string Mode { get; } = mode;
    public bool NoOp { get; } = noOp;
    public DateTimeOffset StartedAt { get; set; }
    public double Seconds { get; set; }

    /// <summary>How long the phase was meant to send for (its duration setting).</summary>
    public double PlannedSeconds { get; set; }
    public long BodyBytes { get; set; }

    public int Sent => _sent;
    public int Accepted => _outcomes.GetValueOrDefault(SuccessStatus);

    /// <summary>The status of an accepted request: Send Calls' and the no-op's 201, an OTLP export's 200.</summary>
    public string SuccessStatus { get; init; } = "201";

    /// <summary>
    /// Closed loop: the phase's length without the tail after its deadline, when the last requests are still being
    /// answered; only 201s answered within it count towards <see cref="AcceptedPerSecond"/>. Null for open loop, where
    /// every accepted call counts over <see cref="Seconds"/> (the schedule, or until the last answer if later).
    /// </summary>
    public double? WindowSeconds { get; set; }

    /// <summary>The load average (1 min) of this machine when the phase ended: other work slows every figure here.</summary>
    public double? LoadAverage { get; set; }

    public double AcceptedPerSecond => WindowSeconds is { } window
        ? (window > 0 ? _acceptedInWindow / window : 0)
        : (Seconds > 0 ? Accepted / Seconds : 0);

    /// <summary>Counts by outcome: an HTTP status code, or timeout, connection, dropped (open loop over its in-flight cap).</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;
    public IEnumerable<KeyValuePair<string, int>> Errors => _outcomes.Where(o => o.Key != SuccessStatus).OrderBy(o => o.Key, StringComparer.Ordinal);
    public int ErrorCount => _outcomes.Where(o => o.Key != SuccessStatus).Sum(o => o.Value);

    public Percentiles Latency => new(_latenciesMs);

    /// <summary>
    /// The latency of requests that carried a recording (a multipart upload of 0.3–0.6 MB), which ingest stores and
    /// checks before it answers: with 10 % of them, they alone can make up the p99 of <see cref="Latency"/>.
    /// </summary>
    public Percentiles LatencyWithRecording => new(_recordedLatenciesMs);

    /// <summary>The latency of requests without a recording.</summary>
    public Percentiles LatencyWithoutRecording => new(_plainLatenciesMs);
    public IReadOnlyCollection<AcceptedCall> Calls => _accepted;

    public void CountSent() => Interlocked.Increment(ref _sent);

    /// <summary>Every answered or failed request, with its latency counted from when it was due (open loop) or sent (closed loop).</summary>
    public void Record(string outcome, double latencyMs, AcceptedCall? accepted, bool inWindow = true, bool withRecording = false)
    {
        (withRecording ? _recordedLatenciesMs : _plainLatenciesMs).Enqueue(latencyMs);
        if (outcome == SuccessStatus && inWindow)
        {
            Interlocked.Increment(ref _acceptedInWindow);
        }
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
