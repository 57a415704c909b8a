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

    /// <summary>A field the request sets, possibly to null (as opposed to a field it leaves out).</summary>
    public sealed record Set<T>(T Value);
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
        // Withdrawing a review hands the verdict back to the rubric, which needs an evaluation to give it.
        return changes.ReevaluateMetrics || withdrawn ? CallReevaluation.Rerun(changed, now) ?? changed : changed;
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
