using System.Globalization;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Calls.Views;
using Cekura.Ingest.Api;
using Cekura.Hosting.Tenancy;

namespace Cekura.Ingest.CallLogs;

/// <summary>Reading call logs: the paginated list, one call's detail, and its stored recording.</summary>
public static class CallLogsApi
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(33);

    public static RouteGroupBuilder MapCallLogsApi(this RouteGroupBuilder group)
    {
        group.MapGet("/observability/v2/call-logs/", ListAsync)
            .WithName("ListCallLogs")
            .WithSummary("Call logs of the key's project, newest first. Query: page, page_size, timestamp_from, timestamp_to, agent_id, project_id, call_ids, search.")
            .Produces<Page<CallLogView>>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapGet("/observability/v2/call-logs/{id:long}/", DetailAsync)
            .WithName("GetCallLog")
            .Produces<CallLogDetailView>()
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapGet("/observability/v2/call-logs/{id:long}/recording/", RecordingAsync)
            .WithName("GetCallRecording")
            .WithSummary("The stored recording's bytes; withheld until redaction has run when the call asked for it.")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "audio/wav", "audio/mpeg", "audio/ogg", "audio/flac", "audio/mp4", "audio/webm")
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> ListAsync(HttpContext http, ICallStore store, CallLogViews views, PublicOrigin origin, TimeProvider clock)
    {
        var q = http.Request.Query;
        var errors = new FieldErrors();
        var page = ParseInt(q["page"], "page", 1, 1, int.MaxValue, errors);
        var pageSize = ParseInt(q["page_size"], "page_size", DefaultPageSize, 1, MaxPageSize, errors);
        var to = ParseTime(q["timestamp_to"], "timestamp_to", errors) ?? clock.GetUtcNow();
        var from = ParseTime(q["timestamp_from"], "timestamp_from", errors) ?? to - DefaultRange;
        if (!errors.Any && from > to)
        {
            errors.Add("timestamp_from", "Must not be after timestamp_to.");
        }
        else if (!errors.Any && to - from > MaxRange)
        {
            errors.Add("timestamp_from", "The time range may span at most 33 days.");
        }
        long? agentId = string.IsNullOrEmpty(q["agent_id"]) ? null : ParseInt(q["agent_id"], "agent_id", 0, 1, long.MaxValue, errors);
        var tenant = http.Tenant();
        if (!string.IsNullOrEmpty(q["project_id"]) && q["project_id"] != tenant.ProjectId.ToString(CultureInfo.InvariantCulture))
        {
            return ApiErrors.NotFound();
        }
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }

        var callIds = q["call_ids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await store.ListAsync(new CallQuery
        {
            ProjectId = tenant.ProjectId,
            From = from,
            To = to,
            AgentId = agentId,
            Search = string.IsNullOrWhiteSpace(q["search"]) ? null : q["search"].ToString().Trim(),
            CallIds = callIds.Length > 0 ? callIds : null,
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
        var call = await store.GetAsync(id, http.RequestAborted);
        return call is null || call.ProjectId != http.Tenant().ProjectId
            ? ApiErrors.NotFound()
            : Results.Json(views.Detail(call, http.Request));
    }

    private static async Task<IResult> RecordingAsync(long id, HttpContext http, ICallStore store, IBlobStore blobs)
    {
        var call = await store.GetAsync(id, http.RequestAborted);
        if (call is null || call.ProjectId != http.Tenant().ProjectId || call.Recording is null || CallLogViews.IsWithheld(call))
        {
            return ApiErrors.NotFound();
        }
        var stream = await blobs.OpenReadAsync(call.Recording.BlobKey, http.RequestAborted);
        return stream is null ? ApiErrors.NotFound() : Results.Stream(stream, call.Recording.ContentType);
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
