using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;

namespace Cekura.Hosting.Calls;

/// <summary>What a <c>PATCH</c> of a call log asks for; a null member is left as it is (see <see cref="Set{T}"/>).</summary>
public sealed record CallLogChanges
{
    /// <summary><c>reviewed_success</c> or <c>reviewed_failure</c>: a person's verdict, which the rubric never overrides.</summary>
    public string? ReviewStatus { get; init; }

    /// <summary>True marks the call reviewed as it stands; false withdraws the review and lets the rubric decide again.</summary>
    public bool? IsReviewed { get; init; }
    public Set<string?>? Feedback { get; init; }
    public Set<string?>? CallEndedReason { get; init; }
    public Set<string?>? CustomerNumber { get; init; }
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Top-level keys to set (Cekura's merge): other keys stay.</summary>
    public JsonElement? Metadata { get; init; }
    public JsonElement? DynamicVariables { get; init; }
    public bool ReevaluateMetrics { get; init; }

    /// <summary>A new transcript: the call goes back through the whole chain, from transcription.</summary>
    public TranscriptReplacement? Transcript { get; init; }

    /// <summary>A field the request sets, possibly to null (as opposed to a field it leaves out).</summary>
    public sealed record Set<T>(T Value);
}

/// <summary>A call's new transcript, parsed by Send Calls' rules for its <c>transcript_type</c>.</summary>
public sealed record TranscriptReplacement
{
    public required string TranscriptType { get; init; }

    /// <summary>Empty for <c>none-mono</c>: the transcription stage transcribes the recording again.</summary>
    public required IReadOnlyList<TranscriptEntry> Entries { get; init; }

    /// <summary>For speaker-indexed formats (Deepgram): the speaker the parser took as the agent, and why.</summary>
    public int? AgentSpeakerIndex { get; init; }
    public string? AgentSpeakerRule { get; init; }

    /// <summary>
    /// A fresh data key, for a call that asks for redaction: if the call holds no live key (its redaction finished),
    /// the new, unredacted transcript is sealed under this one until redaction runs again, as at ingest.
    /// </summary>
    public string? DataKeyId { get; init; }
}

/// <summary>Applies a review or an edit to a call: plain rules, no I/O.</summary>
public static class CallLogReview
{
    public const string ReviewedSuccess = "reviewed_success";
    public const string ReviewedFailure = "reviewed_failure";

    public static CallLog Apply(CallLog call, CallLogChanges changes, DateTimeOffset now)
    {
        var changed = call with
        {
            Feedback = changes.Feedback is { } feedback ? feedback.Value : call.Feedback,
            CallEndedReason = changes.CallEndedReason is { } reason ? reason.Value : call.CallEndedReason,
            CustomerNumber = changes.CustomerNumber is { } number ? number.Value : call.CustomerNumber,
            Timestamp = changes.Timestamp ?? call.Timestamp,
            Metadata = Merge(call.Metadata, changes.Metadata),
            DynamicVariables = Merge(call.DynamicVariables, changes.DynamicVariables),
        };
        if (changes.ReviewStatus is { } status)
        {
            changed = changed with { IsReviewed = true, Status = status, Success = status == ReviewedSuccess };
        }
        else if (changes.IsReviewed == true)
        {
            changed = changed with { IsReviewed = true };
        }
        var withdrawn = changes.IsReviewed == false && changes.ReviewStatus is null && call.IsReviewed;
        if (withdrawn)
        {
            changed = changed with { IsReviewed = false };
        }
        if (changes.Transcript is { } transcript)
        {
            // The whole chain runs again, evaluation included, so no separate re-evaluation is needed.
            return ReplaceTranscript(changed, transcript, now);
        }
        // Withdrawing a review hands the verdict back to the rubric, which needs an evaluation to give it.
        return changes.ReevaluateMetrics || withdrawn ? CallReevaluation.Rerun(changed, now) ?? changed : changed;
    }

    /// <summary>
    /// The call with its new transcript, back at <see cref="CallStage.Received"/> with that stage's event owed (as a re-run
    /// does, see <see cref="CallReevaluation"/>): transcription, redaction and evaluation run again in order. The earlier
    /// evaluation's results go, since they describe the old transcript; a person's review stays (it is withdrawn only by
    /// <c>is_reviewed: false</c>), otherwise <c>success</c>/<c>status</c> wait for the rubric again. A call asking for
    /// redaction is withheld again until redaction has run on the new transcript; its recording, redacted already or not,
    /// stays as it is.
    /// </summary>
    private static CallLog ReplaceTranscript(CallLog call, TranscriptReplacement replacement, DateTimeOffset now)
    {
        // A call whose redaction has not finished keeps its live key: its recording is sealed under it too, and the
        // redaction stage destroys it with everything it sealed. A call already redacted has none and takes the fresh one.
        var dataKeyId = call.RedactFields.Count == 0
            ? call.DataKeyId
            : call.DataKeyId ?? replacement.DataKeyId ?? throw new InvalidOperationException(
                $"Call log {call.Id} asks for redaction: its new transcript needs a data key to be sealed under.");
        return call with
        {
            TranscriptType = replacement.TranscriptType,
            TranscriptObject = replacement.Entries,
            SealedTranscript = null,
            AgentSpeakerIndex = replacement.AgentSpeakerIndex,
            AgentSpeakerRule = replacement.AgentSpeakerRule,
            TranscriptRevision = call.TranscriptRevision + 1,
            DataKeyId = dataKeyId,
            Stage = CallStage.Received,
            StageChangedAt = now,
            OutboxPublishedAt = null,
            FailedAt = null,
            ErrorMessage = null,
            PendingMetricIds = null,
            Metrics = [],
            Topic = null,
            DropoffPoint = null,
            Success = call.IsReviewed ? call.Success : null,
            Status = call.IsReviewed ? call.Status : null,
        };
    }

    private static JsonElement? Merge(JsonElement? current, JsonElement? changes)
    {
        if (changes is not { ValueKind: JsonValueKind.Object } set)
        {
            return current;
        }
        var merged = current is { ValueKind: JsonValueKind.Object } existing
            ? JsonNode.Parse(existing.GetRawText())!.AsObject()
            : new JsonObject();
        foreach (var property in set.EnumerateObject())
        {
            merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }
        return JsonSerializer.SerializeToElement(merged);
    }
}
