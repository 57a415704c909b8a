using System.Diagnostics.Metrics;
using Cekura.Contracts.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cekura.Hosting.Telemetry;

/// <summary>What an instrument of the <c>Cekura</c> meter is, for the README's table and the dashboard's checks.</summary>
public sealed record InstrumentDescription(string Name, InstrumentKind Kind, string? Unit, IReadOnlyList<string> Tags, string Description);

public enum InstrumentKind
{
    Counter,
    Histogram,
    ObservableGauge,
}

/// <summary>
/// The <c>Cekura</c> meter (one per process, from <see cref="IMeterFactory"/>) and the instruments recorded where the
/// work happens: Send Calls' outcomes, each stage's duration and failures, the scores evaluation gives, webhook
/// deliveries. Stages and scores are recorded only when the stage's compare-and-swap lands, so a redelivered message
/// counts nothing twice. The backlog gauges live in <see cref="CallBacklogGauges"/>.
/// </summary>
public sealed class CekuraMetrics
{
    public const string MeterName = "Cekura";

    public const string CallsIngested = "cekura.calls.ingested";
    public const string StageDuration = "cekura.stage.duration";
    public const string CallsFailed = "cekura.calls.failed";
    public const string CallsInStage = "cekura.calls.in_stage";
    public const string OutboxOwed = "cekura.outbox.owed";
    public const string MetricScore = "cekura.metric.score";
    public const string WebhooksDelivered = "cekura.webhooks.delivered";

    /// <summary>Every instrument of the meter. Units follow UCUM as OpenTelemetry asks; a <c>{…}</c> unit is a count of things.</summary>
    public static readonly IReadOnlyList<InstrumentDescription> Instruments =
    [
        new(CallsIngested, InstrumentKind.Counter, "{call}", ["transcript_type", "outcome"],
            "Send Calls requests by outcome: accepted (201), invalid (400), duplicate (409), unreadable (a body that could not be read), busy (503: no audio decoder free in time, or the call store held by another writer for its busy timeout)."),
        new(StageDuration, InstrumentKind.Histogram, "s", ["stage"],
            "Time a stage's work took for one call, recorded when its result is stored; stage is where the call was (received, transcribed, redacted)."),
        new(CallsFailed, InstrumentKind.Counter, "{call}", ["stage"],
            "Calls that failed, by the stage they failed at (the call's failed_at)."),
        new(CallsInStage, InstrumentKind.ObservableGauge, "{call}", ["stage"],
            "Calls waiting at each unfinished stage (received, transcribed, redacted), read from the store at most every few seconds."),
        new(OutboxOwed, InstrumentKind.ObservableGauge, "{event}", [],
            "Calls whose stage's event is recorded but not yet confirmed by the bus."),
        new(MetricScore, InstrumentKind.Histogram, "{score}", ["metric", "metric_id", "agent_id"],
            "Scores of numeric and binary metrics, per evaluation that was stored."),
        new(WebhooksDelivered, InstrumentKind.Counter, "{delivery}", ["outcome"],
            "Webhook delivery attempts: delivered, retry (will be tried again) or abandoned."),
    ];

    /// <summary>Seconds; a stage runs from milliseconds (text parsing) to minutes (speech-to-text of a long call).</summary>
    private static readonly double[] StageBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    /// <summary>Scores range from 0/1 (binary) through ratios to counts and milliseconds (numeric metrics such as latency).</summary>
    private static readonly double[] ScoreBuckets = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly Counter<long> _ingested;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _score;
    private readonly Counter<long> _webhooks;

    public CekuraMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _ingested = Meter.CreateCounter<long>(CallsIngested, Describe(CallsIngested).Unit, Describe(CallsIngested).Description);
        _stageDuration = Meter.CreateHistogram(StageDuration, Describe(StageDuration).Unit, Describe(StageDuration).Description,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageBuckets });
        _failed = Meter.CreateCounter<long>(CallsFailed, Describe(CallsFailed).Unit, Describe(CallsFailed).Description);
        _score = Meter.CreateHistogram(MetricScore, Describe(MetricScore).Unit, Describe(MetricScore).Description,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets });
        _webhooks = Meter.CreateCounter<long>(WebhooksDelivered, Describe(WebhooksDelivered).Unit, Describe(WebhooksDelivered).Description);
    }

    /// <summary>The meter, for instruments observed elsewhere (<see cref="CallBacklogGauges"/>).</summary>
    public Meter Meter { get; }

    public static InstrumentDescription Describe(string name) => Instruments.Single(i => i.Name == name);

    /// <summary>The tag value of a stage: its name as the API and the store write it.</summary>
    public static string StageTag(CallStage stage) => stage.ToString().ToLowerInvariant();

    public void CallIngested(string transcriptType, string outcome) =>
        _ingested.Add(1, new("transcript_type", transcriptType), new("outcome", outcome));

    public void StageCompleted(CallStage from, TimeSpan duration) =>
        _stageDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("stage", StageTag(from)));

    public void CallFailed(CallStage at) => _failed.Add(1, new KeyValuePair<string, object?>("stage", StageTag(at)));

    /// <summary>Numeric and binary metrics with a score; enum and other results have no number to add up.</summary>
    public void MetricsScored(CallLog call, IEnumerable<MetricResult> results)
    {
        foreach (var result in results)
        {
            if (result.Score is { } score && double.IsFinite(score) && result.Type is "numeric" or "binary")
            {
                _score.Record(score, new("metric", result.Name), new("metric_id", result.Id), new("agent_id", call.AgentId));
            }
        }
    }

    public void WebhookAttempted(string outcome) => _webhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}

public static class CekuraMetricsRegistration
{
    /// <summary>
    /// The meter factory and the one <see cref="CekuraMetrics"/> of the container; every registration whose services
    /// record on it calls this (it adds each only once), so a host that composes only some of them still resolves.
    /// </summary>
    public static IServiceCollection AddCekuraMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<CekuraMetrics>();
        return services;
    }
}
