using Cekura.Contracts.Calls;

namespace Cekura.Hosting.Calls;

/// <summary>
/// How a re-evaluation request changes a stored call. A re-run never runs a stage itself: it moves the call back to
/// the stage whose event starts the work and leaves that event owed, so the bus, the outbox relay and the stages'
/// compare-and-swap make it durable and idempotent exactly like a first run. Each function returns the changed call,
/// or null when the request changes nothing (the call is already on its way to the evaluation asked for).
/// </summary>
public static class CallReevaluation
{
    /// <summary>
    /// <c>evaluate_metrics</c>: the metrics join the call's own <c>metric_ids</c>. An evaluated call goes back to
    /// evaluation for those metrics only (its other results stay); a call still in the chain gets them in its coming
    /// evaluation; a failed call is re-driven from the stage it failed at, with a full evaluation at the end.
    /// </summary>
    public static CallLog? EvaluateMetrics(CallLog call, IReadOnlyList<long> metricIds, DateTimeOffset now)
    {
        var merged = call.MetricIds.Union(metricIds).ToList();
        return call.Stage switch
        {
            CallStage.Evaluated => BackTo(call, CallStage.Redacted, now) with
            {
                MetricIds = merged,
                PendingMetricIds = metricIds.Distinct().ToList(),
            },
            CallStage.Failed => Redrive(call, now) with { MetricIds = merged },
            // Pending evaluation of some metrics: add these. A full evaluation (null) already covers them.
            CallStage.Redacted when call.PendingMetricIds is { } pending => call with
            {
                MetricIds = merged,
                PendingMetricIds = pending.Union(metricIds).ToList(),
            },
            _ => merged.Count == call.MetricIds.Count ? null : call with { MetricIds = merged },
        };
    }

    /// <summary>
    /// <c>rerun_evaluation</c>: every assigned metric again, and the rubric's verdict reset to null (unless a person
    /// reviewed the call). A failed call is re-driven from the stage it failed at.
    /// </summary>
    public static CallLog? Rerun(CallLog call, DateTimeOffset now)
    {
        var changed = call.Stage switch
        {
            CallStage.Evaluated => BackTo(call, CallStage.Redacted, now) with { PendingMetricIds = null },
            CallStage.Failed => Redrive(call, now),
            // Still in the chain: its evaluation is yet to come; make sure it is a full one.
            _ when call.PendingMetricIds is not null => call with { PendingMetricIds = null },
            _ => null,
        };
        return changed is null || call.IsReviewed ? changed : changed with { Success = null, Status = null };
    }

    private static CallLog Redrive(CallLog call, DateTimeOffset now) =>
        BackTo(call, call.FailedAt ?? CallStage.Received, now) with
        {
            FailedAt = null,
            ErrorMessage = null,
            PendingMetricIds = null,
        };

    // The stage's event is owed again (OutboxPublishedAt null), so the relay re-sends it if the publish right after
    // the update is lost.
    private static CallLog BackTo(CallLog call, CallStage stage, DateTimeOffset now) => call with
    {
        Stage = stage,
        StageChangedAt = now,
        OutboxPublishedAt = null,
    };
}
