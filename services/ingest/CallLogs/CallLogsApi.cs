using System.ComponentModel;
using System.Globalization;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Calls.Views;
using Cekura.Ingest.Api;
using Cekura.Ingest.CallLogs.Filters;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Cekura.Hosting.Tenancy;

namespace Cekura.Ingest.CallLogs;

/// <summary>
/// The list's query parameters, all read as text so that a bad value is a <c>400</c> in the API's error shape
/// naming the parameter, not a binding failure.
/// </summary>
public sealed record CallLogListQuery(
    [property: FromQuery(Name = "page"), Description("Page number, from 1.")] string? Page,
    [property: FromQuery(Name = "page_size"), Description("Calls per page, 1-100 (default 20).")] string? PageSize,
    [property: FromQuery(Name = "timestamp_from"), Description("ISO 8601; default: 30 days before timestamp_to. The range may span at most 33 days.")] string? TimestampFrom,
    [property: FromQuery(Name = "timestamp_to"), Description("ISO 8601; default: now.")] string? TimestampTo,
    [property: FromQuery(Name = "agent_id"), Description("Our agent id.")] string? AgentId,
    [property: FromQuery(Name = "assistant_id"), Description("The provider's assistant id of an agent: that agent's calls (none when no agent has it).")] string? AssistantId,
    [property: FromQuery(Name = "project_id"), Description("The key's project; another project is 404.")] string? ProjectId,
    [property: FromQuery(Name = "call_ids"), Description("CallLog ids (the integer id), comma-separated, e.g. 12,15.")] string? CallIds,
    [property: FromQuery(Name = "search"), Description("Case-insensitive substring of the provider's call_id.")] string? Search,
    [property: FromQuery(Name = "filters_v2"), Description(
        "JSON filter: {\"field\",\"op\",\"value\"} or {\"operator\":\"and\"|\"or\",\"conditions\":[...]} (nested). Ops eq, neq, gt, gte, lt, lte, contains, " +
        "startswith, in, isnull; fields success, status, duration (seconds), customer_number, call_ended_reason, topic, dropoff_point, " +
        "timestamp, is_reviewed, agent_id, metadata.<key>.")] string? FiltersV2);

/// <summary>Reading call logs: the paginated list, one call's detail, and its stored recording.</summary>
public static class CallLogsApi
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(33);
    private const int MaxCallIds = 500;

    public static RouteGroupBuilder MapCallLogsApi(this RouteGroupBuilder group)
    {
        group.MapGet("/observability/v2/call-logs/", ListAsync)
            .WithName("ListCallLogs")
            .WithSummary("Call logs of the key's project, newest first; every query parameter given must hold.")
            .Produces<Page<CallLogView>>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapGet("/observability/v2/call-logs/{id:long}/", DetailAsync)
            .WithName("GetCallLog")
            .Produces<CallLogDetailView>()
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapGet("/observability/v2/call-logs/{id:long}/recording/", RecordingAsync)
            .WithName("GetCallRecording")
            .WithSummary("The stored recording's bytes (HTTP Range requests answer 206); withheld until redaction has run when the call asked for it.")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "audio/wav", "audio/mpeg", "audio/ogg", "audio/flac", "audio/mp4", "audio/webm")
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> ListAsync(
        [AsParameters] CallLogListQuery q, HttpContext http, ICallStore store, IAgentStore agents, CallLogViews views, PublicOrigin origin,
        TimeProvider clock)
    {
        var errors = new FieldErrors();
        var page = ParseInt(q.Page, "page", 1, 1, int.MaxValue, errors);
        var pageSize = ParseInt(q.PageSize, "page_size", DefaultPageSize, 1, MaxPageSize, errors);
        var to = ParseTime(q.TimestampTo, "timestamp_to", errors) ?? clock.GetUtcNow();
        var from = ParseTime(q.TimestampFrom, "timestamp_from", errors) ?? to - DefaultRange;
        if (!errors.Any && from > to)
        {
            errors.Add("timestamp_from", "Must not be after timestamp_to.");
        }
        else if (!errors.Any && to - from > MaxRange)
        {
            errors.Add("timestamp_from", "The time range may span at most 33 days.");
        }
        long? agentId = string.IsNullOrEmpty(q.AgentId) ? null : ParseInt(q.AgentId, "agent_id", 0, 1, long.MaxValue, errors);
        var ids = ParseIds(q.CallIds, errors);
        CallFilter? filter = null;
        if (!string.IsNullOrWhiteSpace(q.FiltersV2))
        {
            var parsed = CallFilterParser.Parse(q.FiltersV2);
            foreach (var problem in parsed.Problems)
            {
                errors.Add("filters_v2", problem);
            }
            filter = parsed.Filter;
        }
        var tenant = http.Tenant();
        if (!string.IsNullOrEmpty(q.ProjectId) && q.ProjectId != tenant.ProjectId.ToString(CultureInfo.InvariantCulture))
        {
            return ApiErrors.NotFound();
        }
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }

        if (!string.IsNullOrWhiteSpace(q.AssistantId))
        {
            // Another project's (or nobody's) assistant is just an agent with no calls here: an empty page, no error.
            var agent = await agents.FindByAssistantIdAsync(tenant.ProjectId, q.AssistantId.Trim(), http.RequestAborted);
            if (agent is null || (agentId is { } named && named != agent.Id))
            {
                return Results.Json(new Page<CallLogView>(0, null, null, []));
            }
            agentId = agent.Id;
        }
        var result = await store.ListAsync(new CallQuery
        {
            ProjectId = tenant.ProjectId,
            From = from,
            To = to,
            AgentId = agentId,
            Search = string.IsNullOrWhiteSpace(q.Search) ? null : q.Search.Trim(),
            Ids = ids,
            Filter = filter,
            Page = (int)page,
            PageSize = (int)pageSize,
        }, http.RequestAborted);

        var hasNext = page * pageSize < result.Count;
        return Results.Json(new Page<CallLogView>(
            result.Count,
            hasNext ? Paging.Link(origin, http.Request, ("page", page + 1)) : null,
            page > 1 ? Paging.Link(origin, http.Request, ("page", page - 1)) : null,
            result.Items.Select(views.Summary).ToList()));
    }

    private static async Task<IResult> DetailAsync(long id, HttpContext http, ICallStore store, CallLogViews views)
    {
        var call = await store.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        return call is null ? ApiErrors.NotFound() : Results.Json(views.Detail(call, http.Request));
    }

    private static async Task<IResult> RecordingAsync(long id, HttpContext http, ICallStore store, IBlobStore blobs)
    {
        var call = await store.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        if (call?.Recording is null || CallLogViews.IsWithheld(call))
        {
            return ApiErrors.NotFound();
        }
        var stream = await blobs.OpenReadAsync(call.Recording.BlobKey, http.RequestAborted);
        // Ranges let a browser's audio player seek without downloading the whole recording first.
        return stream is null ? ApiErrors.NotFound() : Results.Stream(stream, call.Recording.ContentType, enableRangeProcessing: stream.CanSeek);
    }

    /// <summary><c>call_ids</c>: CallLog ids (our integer <c>id</c>), comma-separated, as Cekura's API takes them.</summary>
    private static IReadOnlyList<long>? ParseIds(string? text, FieldErrors errors)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return null;
        }
        if (parts.Length > MaxCallIds)
        {
            errors.Add("call_ids", $"At most {MaxCallIds} ids per request.");
            return null;
        }
        var ids = new List<long>();
        foreach (var part in parts)
        {
            if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                ids.Add(id);
            }
            else
            {
                errors.Add("call_ids", $"'{(part.Length <= 60 ? part : part[..60] + "…")}' is not a call log id: ids are positive integers (use search to match call_id).");
            }
        }
        return ids.Distinct().ToList();
    }

    private static long ParseInt(string? text, string field, long fallback, long min, long max, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(field, $"Must be an integer between {min} and {max}.");
            return fallback;
        }
        return value;
    }

    private static DateTimeOffset? ParseTime(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }
        errors.Add(field, "Datetime has wrong format. Use ISO 8601, e.g. 2024-03-15T10:15:45Z.");
        return null;
    }
}
