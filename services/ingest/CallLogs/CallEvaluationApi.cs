using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Calls.Views;
using Cekura.Ingest.Api;

namespace Cekura.Ingest.CallLogs;

/// <summary>The body of <c>evaluate_metrics/</c> (documents the OpenAPI schema).</summary>
public sealed record EvaluateMetricsDocument(IReadOnlyList<long> CallLogs, IReadOnlyList<long> Metrics);

/// <summary>The body of <c>rerun_evaluation/</c>: <c>call_logs</c> is a list of ids or <c>"all"</c> (then <c>agent_id</c> is required).</summary>
public sealed record RerunEvaluationDocument(JsonElement CallLogs, long? AgentId);

/// <summary>The calls a re-evaluation request touched, as they are now (the work itself happens on the bus).</summary>
public sealed record ReevaluationView(long Count, IReadOnlyList<CallLogView> Results);

/// <summary>
/// Re-evaluation: the request only moves each call back to the stage whose event starts the work (see
/// <see cref="CallReevaluation"/>) and publishes that event; the workers do the rest as on a first run.
/// </summary>
public static class CallEvaluationApi
{
    /// <summary>At most this many ids per request, so one request stays one bounded unit of work.</summary>
    public const int MaxCallLogs = 1000;

    /// <summary>For <c>"all"</c>: calls are re-run in pages of this size, and at most this many are shown back.</summary>
    private const int AllPageSize = 500;
    private const int MaxShown = 100;

    public static RouteGroupBuilder MapCallEvaluationApi(this RouteGroupBuilder group)
    {
        group.MapPost("/observability/v1/call-logs/evaluate_metrics/", EvaluateMetricsAsync)
            .WithName("EvaluateCallMetrics")
            .WithSummary("Run the given metrics on the given calls (they join each call's metric_ids); asynchronous: 200 with the calls as they are now.")
            .Accepts<EvaluateMetricsDocument>("application/json")
            .Produces<ReevaluationView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapPost("/observability/v1/call-logs/rerun_evaluation/", RerunEvaluationAsync)
            .WithName("RerunCallEvaluation")
            .WithSummary("Re-run every assigned metric on the given calls (or \"all\" of agent_id's); success is reset to null unless reviewed; a failed call is re-driven from the stage it failed at.")
            .Accepts<RerunEvaluationDocument>("application/json")
            .Produces<ReevaluationView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        return group;
    }

    private static async Task<IResult> EvaluateMetricsAsync(
        HttpContext http, ICallStore store, IMetricStore metrics, CallLogWriter writer, OutboxDispatcher dispatcher,
        CallLogViews views, TimeProvider clock)
    {
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new FieldErrors();
        var ids = IdList(body, "call_logs", "call log", errors);
        var metricIds = IdList(body, "metrics", "metric", errors);
        var custom = metricIds.Where(m => PredefinedMetrics.Find(m) is null).ToList();
        var known = custom.Count == 0 ? []
            : (await metrics.GetManyAsync(http.Tenant().ProjectId, custom, http.RequestAborted)).Select(m => m.Id).ToHashSet();
        foreach (var unknown in custom.Where(m => !known.Contains(m)))
        {
            errors.Add("metrics", $"Metric {unknown} does not exist in this project.");
        }
        var calls = errors.Any ? [] : await LoadAsync(ids, http, store, errors);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        var shown = new List<CallLogView>();
        foreach (var call in calls)
        {
            var now = call;
            var changed = await writer.UpdateAsync(call, c => CallReevaluation.EvaluateMetrics(c, metricIds, clock.GetUtcNow()), http.RequestAborted);
            if (changed is not null)
            {
                // The call now owes its stage's event; it is published in the background (or by the relay).
                dispatcher.Enqueue(changed);
                now = changed;
            }
            shown.Add(views.Summary(now));
        }
        return Results.Json(new ReevaluationView(shown.Count, shown));
    }

    private static async Task<IResult> RerunEvaluationAsync(
        HttpContext http, ICallStore store, IAgentStore agents, CallLogWriter writer, OutboxDispatcher dispatcher,
        CallLogViews views, TimeProvider clock)
    {
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new FieldErrors();
        var tenant = http.Tenant();
        long? agentId = null;
        if (body.TryGetProperty("agent_id", out var agentValue) && agentValue.ValueKind != JsonValueKind.Null)
        {
            if (JsonFields.Id(agentValue) is not { } id)
            {
                errors.Add("agent_id", "A valid integer is required.");
            }
            else if (await agents.GetAsync(tenant.ProjectId, id, http.RequestAborted) is null)
            {
                errors.Add("agent_id", $"Agent {id} does not exist in this project.");
            }
            else
            {
                agentId = id;
            }
        }
        var all = body.TryGetProperty("call_logs", out var callLogs) && callLogs.ValueKind == JsonValueKind.String
            && callLogs.GetString() == "all";
        if (all && agentId is null && !errors.Has("agent_id"))
        {
            errors.Add("agent_id", "Required when call_logs is \"all\".");
        }
        var ids = all ? [] : IdList(body, "call_logs", "call log", errors, allowAll: true);
        var calls = errors.Any || all ? [] : await LoadAsync(ids, http, store, errors);
        if (!all && agentId is { } only)
        {
            foreach (var other in calls.Where(c => c.AgentId != only))
            {
                errors.Add("call_logs", $"Call log {other.Id} belongs to another agent than {only}.");
            }
        }
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }

        var shown = new List<CallLogView>();
        long count = 0;
        async Task RerunAsync(CallLog call)
        {
            var now = call;
            var changed = await writer.UpdateAsync(call, c => CallReevaluation.Rerun(c, clock.GetUtcNow()), http.RequestAborted);
            if (changed is not null)
            {
                // The call now owes its stage's event; it is published in the background (or by the relay).
                dispatcher.Enqueue(changed);
                now = changed;
            }
            count++;
            if (shown.Count < MaxShown)
            {
                shown.Add(views.Summary(now));
            }
        }
        if (!all)
        {
            foreach (var call in calls)
            {
                await RerunAsync(call);
            }
            return Results.Json(new ReevaluationView(count, shown));
        }
        // Every call of the agent, whenever it was made. Re-running does not change timestamps, so paging by
        // timestamp stays stable while we go.
        for (var page = 1; ; page++)
        {
            var result = await store.ListAsync(new CallQuery
            {
                ProjectId = tenant.ProjectId, AgentId = agentId, From = DateTimeOffset.MinValue, To = DateTimeOffset.MaxValue,
                Page = page, PageSize = AllPageSize,
            }, http.RequestAborted);
            foreach (var call in result.Items)
            {
                await RerunAsync(call);
            }
            if (result.Items.Count < AllPageSize)
            {
                break;
            }
        }
        return Results.Json(new ReevaluationView(count, shown));
    }

    /// <summary>The project's calls with these ids, in the order asked; an id that is not the project's is an error.</summary>
    private static async Task<List<CallLog>> LoadAsync(IReadOnlyList<long> ids, HttpContext http, ICallStore store, FieldErrors errors)
    {
        var calls = new List<CallLog>();
        foreach (var id in ids)
        {
            var call = await store.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
            if (call is null)
            {
                errors.Add("call_logs", $"Call log {id} does not exist in this project.");
            }
            else
            {
                calls.Add(call);
            }
        }
        return calls;
    }

    private static List<long> IdList(JsonElement body, string field, string what, FieldErrors errors, bool allowAll = false)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, "This field is required.");
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, allowAll
                ? $"Expected a list of {what} ids or \"all\", but got {ApiErrors.KindName(value.ValueKind)}."
                : $"Expected a list of {what} ids, but got {ApiErrors.KindName(value.ValueKind)}.");
            return [];
        }
        var ids = new List<long>();
        foreach (var item in value.EnumerateArray())
        {
            if (JsonFields.Id(item) is { } id)
            {
                ids.Add(id);
            }
            else
            {
                errors.Add(field, $"{item.GetRawText()} is not a {what} id: ids are positive integers.");
            }
        }
        if (ids.Count == 0 && !errors.Has(field))
        {
            errors.Add(field, "This list may not be empty.");
        }
        else if (ids.Count > MaxCallLogs)
        {
            errors.Add(field, $"At most {MaxCallLogs} ids per request.");
        }
        return ids.Distinct().ToList();
    }
}
