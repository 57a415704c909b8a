using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Traces;

/// <summary>
/// Spans that arrive after their call was evaluated: once the trace has been quiet for
/// <see cref="TracesOptions.ReevaluationDelaySeconds"/>, each evaluated call of the project naming that trace id is sent
/// back to evaluation for its span metrics, through <see cref="CallReevaluation.EvaluateMetrics"/> — the same durable
/// path as <c>evaluate_metrics/</c> (the call owes its event in the store; the outbox relay re-sends a lost publish).
/// What waits in the quiet time lives in memory: a restart in those seconds loses that re-evaluation (the spans
/// themselves are stored, and <c>rerun_evaluation/</c> recomputes on request).
/// </summary>
public sealed class LateSpanReevaluation(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<TracesOptions> options, ILogger<LateSpanReevaluation> logger)
    : BackgroundService
{
    /// <summary>Calls looked at per trace; one trace id names one call in practice.</summary>
    private const int MaxCallsPerTrace = 100;

    private readonly TraceArrivals _arrivals = new();
    private readonly TimeSpan _quiet = TimeSpan.FromSeconds(options.Value.ReevaluationDelaySeconds);

    public void Arrived(long projectId, IEnumerable<string> traceIds) => _arrivals.Touch(projectId, traceIds.Distinct(), clock.GetUtcNow());

    /// <summary>The span metrics among the call's own metrics: what a late span changes.</summary>
    public static IReadOnlyList<long> SpanMetricsOf(CallLog call) =>
        call.MetricIds.Where(id => PredefinedMetrics.FromSpans.Any(m => m.Id == id)).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromSeconds(Math.Clamp(_quiet.TotalSeconds / 2, 0.05, 1));
        using var timer = new PeriodicTimer(tick, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (projectId, traceId) in _arrivals.TakeDue(clock.GetUtcNow(), _quiet))
            {
                try
                {
                    await ReevaluateAsync(projectId, traceId, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Could not re-evaluate the calls of trace {TraceId} in project {ProjectId} after late spans", traceId, projectId);
                }
            }
        }
    }

    private async Task ReevaluateAsync(long projectId, string traceId, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ICallStore>();
        var writer = scope.ServiceProvider.GetRequiredService<CallLogWriter>();
        var dispatcher = scope.ServiceProvider.GetRequiredService<OutboxDispatcher>();
        foreach (var call in await store.ListByTraceIdAsync(projectId, traceId, MaxCallsPerTrace, cancellationToken))
        {
            // A call still in the chain reads the spans at its coming evaluation.
            if (call.Stage != CallStage.Evaluated || SpanMetricsOf(call) is not { Count: > 0 } metrics)
            {
                continue;
            }
            var changed = await writer.UpdateAsync(
                call, c => c.Stage == CallStage.Evaluated ? CallReevaluation.EvaluateMetrics(c, metrics, clock.GetUtcNow()) : null,
                cancellationToken);
            if (changed is not null)
            {
                dispatcher.Enqueue(changed);
                logger.LogInformation("Late spans of trace {TraceId}: call log {CallLogId} re-evaluates {Count} span metric(s)", traceId, call.Id, metrics.Count);
            }
        }
    }
}
