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
/// Which traces wait for their quiet time is kept in the trace store (every stored export marks its trace owed), so a
/// restart loses none; each replica claims the quiet ones for a lease, and a trace whose claimant died is claimed again
/// once the lease ends.
/// </summary>
public sealed class LateSpanReevaluation(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<TracesOptions> options, ILogger<LateSpanReevaluation> logger)
    : BackgroundService
{
    /// <summary>Calls looked at per trace; one trace id names one call in practice.</summary>
    private const int MaxCallsPerTrace = 100;

    /// <summary>Traces claimed at once; a sweep claims again while it gets full batches.</summary>
    private const int BatchSize = 100;

    /// <summary>Long enough for a batch's re-evaluations (writes of up to 100 calls each); a dead claimant's traces wait this long.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(1);

    private readonly TimeSpan _quiet = TimeSpan.FromSeconds(options.Value.ReevaluationDelaySeconds);

    /// <summary>The span metrics among the call's own metrics: what a late span changes.</summary>
    public static IReadOnlyList<long> SpanMetricsOf(CallLog call) =>
        call.MetricIds.Where(id => PredefinedMetrics.FromSpans.Any(m => m.Id == id)).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromSeconds(Math.Clamp(_quiet.TotalSeconds / 2, 0.05, 1));
        using var timer = new PeriodicTimer(tick, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The store is down: the owed traces stay owed and the next tick tries again.
                logger.LogWarning(e, "Could not look for traces with late spans");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Claims the traces quiet by now, re-evaluates their calls and settles them, batch after batch.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<QuietTrace> claimed;
        do
        {
            using var scope = scopes.CreateScope();
            var traces = scope.ServiceProvider.GetRequiredService<IAgentTraceStore>();
            var now = clock.GetUtcNow();
            claimed = await traces.ClaimQuietAsync(now - _quiet, now, ClaimLease, BatchSize, cancellationToken);
            var done = new List<QuietTrace>(claimed.Count);
            foreach (var trace in claimed)
            {
                try
                {
                    await ReevaluateAsync(trace, cancellationToken);
                    done.Add(trace);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Left claimed: the trace is tried again when the lease ends, and the others of the batch go on.
                    logger.LogWarning(e, "Could not re-evaluate the calls of trace {TraceId} in project {ProjectId} after late spans; trying again in {Lease}",
                        trace.TraceId, trace.ProjectId, ClaimLease);
                }
            }
            // One write for the batch: most traces' calls were still in the chain (or not sent yet), so settling is
            // most of what a sweep writes.
            await traces.SettleAsync(done, cancellationToken);
        }
        while (claimed.Count == BatchSize);
    }

    private async Task ReevaluateAsync(QuietTrace trace, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ICallStore>();
        var writer = scope.ServiceProvider.GetRequiredService<CallLogWriter>();
        var dispatcher = scope.ServiceProvider.GetRequiredService<OutboxDispatcher>();
        foreach (var call in await store.ListByTraceIdAsync(trace.ProjectId, trace.TraceId, MaxCallsPerTrace, cancellationToken))
        {
            // A call still in the chain reads the spans at its coming evaluation.
            if (call.Stage != CallStage.Evaluated || SpanMetricsOf(call) is not { Count: > 0 } metrics)
            {
                continue;
            }
            // The call records which arrival it was sent back for, in the same write: a trace claimed again after a
            // crash between this write and the settle does not re-evaluate the call twice.
            var changed = await writer.UpdateAsync(
                call,
                c => c.Stage == CallStage.Evaluated && !(c.LateSpansThrough >= trace.LastSpanAt)
                    && CallReevaluation.EvaluateMetrics(c, metrics, clock.GetUtcNow()) is { } next
                        ? next with { LateSpansThrough = trace.LastSpanAt }
                        : null,
                cancellationToken);
            if (changed is not null)
            {
                dispatcher.Enqueue(changed);
                logger.LogInformation("Late spans of trace {TraceId}: call log {CallLogId} re-evaluates {Count} span metric(s)", trace.TraceId, call.Id, metrics.Count);
            }
        }
    }
}
