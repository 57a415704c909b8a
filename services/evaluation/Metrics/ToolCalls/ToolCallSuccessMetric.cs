using System.Text.Json;
using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Metrics.ToolCalls;

/// <param name="Failed">The failed results' function names with why each counts as failed.</param>
public sealed record ToolCallSuccessResult(bool Passed, int Results, IReadOnlyList<string> Failed);

public static class ToolCallSuccessMetric
{
    /// <summary>
    /// A function call result failed when the provider flagged it (<c>is_error: true</c>), or when its result is a
    /// JSON object with an <c>"error"</c> member (any case) that is not null, false or an empty string: providers without an
    /// error flag (Vapi, Pipecat) pass a tool's error body through as the result. Free text that merely mentions an
    /// error is not a failure: "no error found" must not fail the call. No results at all is a success.
    /// </summary>
    public static ToolCallSuccessResult Compute(IReadOnlyList<TranscriptEntry> transcript)
    {
        var results = transcript.Where(e => e.Role == TranscriptRoles.FunctionCallResult && e.Data is not null).ToList();
        var failed = new List<string>();
        foreach (var data in results.Select(e => e.Data!))
        {
            if (data.IsError == true)
            {
                failed.Add($"{data.Name} (flagged as an error)");
            }
            else if (HasErrorMember(data.Result))
            {
                failed.Add($"{data.Name} (result has an \"error\")");
            }
        }
        return new ToolCallSuccessResult(failed.Count == 0, results.Count, failed);
    }

    public static bool HasErrorMember(string? result)
    {
        if (string.IsNullOrWhiteSpace(result) || result.TrimStart()[0] != '{')
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(result);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (string.Equals(property.Name, "error", StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.ValueKind switch
                    {
                        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => false,
                        JsonValueKind.String => property.Value.GetString()!.Length > 0,
                        _ => true,
                    };
                }
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
