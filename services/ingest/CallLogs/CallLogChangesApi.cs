using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Calls.Views;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Protection;
using Cekura.Ingest.Api;
using Cekura.Ingest.Observe;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.CallLogs;

/// <summary>The body of <c>PATCH /observability/v2/call-logs/{id}/</c> (documents the OpenAPI schema).</summary>
public sealed record PatchCallLogDocument(
    string? Status, bool? IsReviewed, string? Feedback, string? CallEndedReason, string? CustomerNumber, string? Timestamp,
    JsonElement? Metadata, JsonElement? DynamicVariables, bool? ReevaluateMetrics, string? TranscriptType, JsonElement? TranscriptJson);

/// <summary>The body of <c>delete_call_logs/</c>.</summary>
public sealed record DeleteCallLogsDocument(IReadOnlyList<long> CallLogs, long? AgentId);

/// <summary>Reviewing, editing and deleting call logs.</summary>
public static class CallLogChangesApi
{
    private static readonly string[] ReviewStatuses = [CallLogReview.ReviewedSuccess, CallLogReview.ReviewedFailure];

    public static RouteGroupBuilder MapCallLogChangesApi(this RouteGroupBuilder group)
    {
        group.MapPatch("/observability/v2/call-logs/{id:long}/", PatchAsync)
            .WithName("UpdateCallLog")
            .WithSummary("Review (status reviewed_success/reviewed_failure, is_reviewed), feedback, call_ended_reason, customer_number, timestamp, metadata and dynamic_variables (top-level merge), reevaluate_metrics, transcript_type + transcript_json (replace the transcript).")
            .WithDescription("transcript_type (default cekura) and transcript_json follow Send Calls' rules and messages; the new "
                + "transcript sends the call back through transcription, redaction and evaluation (processing_stage \"received\"). "
                + "A call asking for redaction is withheld again until redaction has run on it; its recording stays as it is. "
                + "A person's review stays unless is_reviewed: false withdraws it.")
            .Accepts<PatchCallLogDocument>("application/json")
            .Produces<CallLogDetailView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapDelete("/observability/v1/call-logs/{id:long}/", DeleteAsync)
            .WithName("DeleteCallLog")
            .WithSummary("Deletes the call log, its transcript and its recording; irreversible. Work still queued for it becomes a no-op.")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapPost("/observability/v1/call-logs/delete_call_logs/", DeleteManyAsync)
            .WithName("DeleteCallLogs")
            .WithSummary("Bulk delete: {\"call_logs\": [ids], \"agent_id\"?}; ids that are not the project's (or not agent_id's) are left alone.")
            .Accepts<DeleteCallLogsDocument>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        return group;
    }

    private static async Task<IResult> PatchAsync(
        long id, HttpContext http, ICallStore store, CallLogWriter writer, OutboxDispatcher dispatcher, CallLogViews views,
        SendCallValidator validator, IDataKeyStore keys, TimeProvider clock)
    {
        var call = await store.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        if (call is null)
        {
            return ApiErrors.NotFound();
        }
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var (changes, errors) = Read(body, call, validator);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        // A new transcript of a call that asks for redaction is sealed like one at ingest. The key is made before the
        // update because the change itself cannot wait on I/O; it is used only if the call holds no live key by then.
        var freshKey = changes.Transcript is not null && call.RedactFields.Count > 0
            ? await keys.CreateAsync(http.RequestAborted)
            : null;
        if (freshKey is not null)
        {
            changes = changes with { Transcript = changes.Transcript! with { DataKeyId = freshKey } };
        }
        CallLog? saved = null;
        try
        {
            saved = await writer.UpdateAsync(call, c => CallLogReview.Apply(c, changes, clock.GetUtcNow()), http.RequestAborted);
        }
        finally
        {
            if (freshKey is not null && saved?.DataKeyId != freshKey)
            {
                await keys.DestroyAsync(freshKey, CancellationToken.None);
            }
        }
        if (saved is null)
        {
            return ApiErrors.NotFound();
        }
        if (saved.OutboxPublishedAt is null)
        {
            // The change sent the call back to a stage that owes its event: published in the background (or by the relay).
            dispatcher.Enqueue(saved);
        }
        return Results.Json(views.Detail(saved, http.Request));
    }

    private static (CallLogChanges Changes, FieldErrors Errors) Read(JsonElement body, CallLog call, SendCallValidator validator)
    {
        var errors = new FieldErrors();
        if (!JsonText.NamesReadable(body))
        {
            errors.Add("non_field_errors", "A field name of the body is not valid UTF-8 text.");
            return (new CallLogChanges(), errors);
        }
        var fields = SendCallValidator.ReadableFields(SendCallBody.FromJson(body).Fields, errors);
        string? status = null;
        if (fields.TryGetValue("status", out var statusValue) && statusValue.ValueKind != JsonValueKind.Null)
        {
            status = statusValue.ValueKind == JsonValueKind.String ? statusValue.GetString() : null;
            if (status is null || !ReviewStatuses.Contains(status))
            {
                errors.Add("status", $"\"{(status ?? statusValue.GetRawText())}\" is not a valid choice: use reviewed_success or reviewed_failure.");
                status = null;
            }
        }
        var isReviewed = Bool(fields, "is_reviewed", errors);
        if (status is not null && isReviewed == false)
        {
            errors.Add("is_reviewed", "A review status marks the call reviewed; is_reviewed cannot be false with it.");
        }
        var changes = new CallLogChanges
        {
            ReviewStatus = status,
            IsReviewed = isReviewed,
            Feedback = Present(fields, "feedback", () => SendCallValidator.ReadString(fields, "feedback", errors, maxLength: 10_000)),
            CallEndedReason = Present(fields, "call_ended_reason", () => SendCallValidator.ReadString(fields, "call_ended_reason", errors, maxLength: 100)),
            CustomerNumber = Present(fields, "customer_number", () => SendCallValidator.ReadString(fields, "customer_number", errors, maxLength: 100)),
            Timestamp = SendCallValidator.ReadTimestamp(fields, "timestamp", errors),
            Metadata = SendCallValidator.ReadObject(fields, "metadata", errors),
            DynamicVariables = SendCallValidator.ReadObject(fields, "dynamic_variables", errors),
            ReevaluateMetrics = Bool(fields, "reevaluate_metrics", errors) == true,
            Transcript = ReadTranscript(fields, call, validator, errors),
        };
        return (changes, errors);
    }

    /// <summary>A replacement transcript by Send Calls' rules, checked against what the call has (none-mono needs its recording).</summary>
    private static TranscriptReplacement? ReadTranscript(
        IReadOnlyDictionary<string, JsonElement> fields, CallLog call, SendCallValidator validator, FieldErrors errors)
    {
        if (!fields.ContainsKey("transcript_json") && !fields.ContainsKey("transcript_type"))
        {
            return null;
        }
        var context = new TranscriptContext { MainAgentChannelIndex = call.MainAgentChannelIndex };
        var (type, parsed) = validator.ReadTranscriptFields(fields, context, errors);
        if (type == TranscriptTypes.NoneMono)
        {
            if (call.Recording is null)
            {
                errors.Add("transcript_type", "transcript_type none-mono needs a recording, and this call has none: send transcript_json with its transcript_type.");
            }
            else if (call.Recording.Channels is > 1)
            {
                errors.Add("transcript_type",
                    $"transcript_type none-mono needs a mono recording; this one has {call.Recording.Channels} channels. "
                    + "For stereo calls send transcript_json with its transcript_type.");
            }
        }
        return errors.Has("transcript_type") || errors.Has("transcript_json")
            ? null
            : new TranscriptReplacement
            {
                TranscriptType = type,
                Entries = parsed.Entries,
                AgentSpeakerIndex = parsed.Agent?.Index,
                AgentSpeakerRule = parsed.Agent?.Rule,
            };
    }

    private static CallLogChanges.Set<string?>? Present(IReadOnlyDictionary<string, JsonElement> fields, string field, Func<string?> read) =>
        fields.ContainsKey(field) ? new CallLogChanges.Set<string?>(read()) : null;

    private static bool? Bool(IReadOnlyDictionary<string, JsonElement> fields, string field, FieldErrors errors)
    {
        if (!fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        errors.Add(field, "Must be a valid boolean.");
        return null;
    }

    private static async Task<IResult> DeleteAsync(long id, HttpContext http, ICallStore store, CallLogDeleter deleter)
    {
        var call = await store.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        if (call is null)
        {
            return ApiErrors.NotFound();
        }
        await deleter.DeleteAsync(call, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteManyAsync(HttpContext http, ICallStore store, CallLogDeleter deleter)
    {
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new FieldErrors();
        var ids = new List<long>();
        if (!body.TryGetProperty("call_logs", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add("call_logs", list.ValueKind == JsonValueKind.Undefined || list.ValueKind == JsonValueKind.Null
                ? "This field is required."
                : $"Expected a list of call log ids, but got {ApiErrors.KindName(list.ValueKind)}.");
        }
        else
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var id) && id > 0)
                {
                    ids.Add(id);
                }
                else
                {
                    errors.Add("call_logs", $"{item.GetRawText()} is not a call log id: ids are positive integers.");
                }
            }
            if (ids.Count > CallEvaluationApi.MaxCallLogs)
            {
                errors.Add("call_logs", $"At most {CallEvaluationApi.MaxCallLogs} ids per request.");
            }
        }
        long? agentId = null;
        if (body.TryGetProperty("agent_id", out var agent) && agent.ValueKind != JsonValueKind.Null)
        {
            if (agent.ValueKind == JsonValueKind.Number && agent.TryGetInt64(out var a) && a > 0)
            {
                agentId = a;
            }
            else
            {
                errors.Add("agent_id", "A valid integer is required.");
            }
        }
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        foreach (var id in ids.Distinct())
        {
            var call = await store.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
            // Deleting is idempotent: an id already gone, or not this project's (or agent's), is simply not deleted.
            if (call is not null && (agentId is null || call.AgentId == agentId))
            {
                await deleter.DeleteAsync(call, http.RequestAborted);
            }
        }
        return Results.NoContent();
    }
}

/// <summary>
/// Deletes a call with everything stored for it. The blobs and the data key go first: a crash in between leaves a
/// call whose recording is gone (the delete can be repeated), never a recording no call points to.
/// </summary>
public sealed class CallLogDeleter(
    ICallStore store, IBlobStore blobs, IDataKeyStore keys, IWebhookOutbox webhooks, ILogger<CallLogDeleter> logger)
{
    public async Task DeleteAsync(CallLog call, CancellationToken cancellationToken)
    {
        foreach (var key in BlobKeys(call))
        {
            await blobs.DeleteAsync(key, cancellationToken);
        }
        foreach (var keyId in new[] { call.DataKeyId, call.PendingKeyDestruction }.OfType<string>().Distinct())
        {
            await keys.DestroyAsync(keyId, cancellationToken);
        }
        // A queued completion webhook carries the call's detail: it goes with the call.
        await webhooks.DeleteForCallLogsAsync(call.ProjectId, [call.Id], cancellationToken);
        await store.DeleteAsync(call.ProjectId, call.Id, cancellationToken);
        logger.LogInformation("Call log {CallLogId} deleted with its recording", call.Id);
    }

    /// <summary>The recording, an original still owed deletion, and the redacted copy's fixed key (a redaction in flight may have written it).</summary>
    private static IEnumerable<string> BlobKeys(CallLog call)
    {
        var keys = new List<string>();
        if (call.Recording is { } recording)
        {
            keys.Add(recording.BlobKey);
            keys.Add(RecordingBlobKeys.Redacted(call.ProjectId, call.Id, recording.Format));
        }
        if (call.PendingRecordingDeletion is { } pending)
        {
            keys.Add(pending);
        }
        return keys.Distinct();
    }
}
