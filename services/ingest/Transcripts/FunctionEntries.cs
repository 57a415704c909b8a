using System.Text.Json;
using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Transcripts;

/// <summary>
/// Function entries written the Cekura way: the payload in <c>data</c> — <c>{id, name, arguments}</c> for a call,
/// <c>{id, name, result, is_error?}</c> for its result. Cekura's own format names them <c>Function Call</c> /
/// <c>Function Call Result</c>; its documented Pipecat and LiveKit list forms name them <c>tool_call</c> /
/// <c>tool_call_result</c>.
/// </summary>
public static class FunctionEntries
{
    /// <summary>The role of a tool call in Cekura's documented Pipecat and LiveKit list forms.</summary>
    public const string ToolCall = "tool_call";

    /// <summary>The role of a tool call's result in Cekura's documented Pipecat and LiveKit list forms.</summary>
    public const string ToolCallResult = "tool_call_result";

    /// <summary>The canonical role for <see cref="ToolCall"/> / <see cref="ToolCallResult"/>, else null.</summary>
    public static string? CanonicalToolRole(string role) => role switch
    {
        ToolCall => TranscriptRoles.FunctionCall,
        ToolCallResult => TranscriptRoles.FunctionCallResult,
        _ => null,
    };

    /// <summary>
    /// The <c>data</c> of a function entry whose role the client wrote as <paramref name="role"/>; null, with the
    /// problems named, when it lacks an id or a name. <c>arguments</c> is a JSON string in this form; an object sent
    /// instead is kept as its JSON text, and so is an object <c>result</c>.
    /// </summary>
    public static FunctionCallData? ReadData(JsonElement item, string role, bool isResult, List<string> problems)
    {
        var payloadName = isResult ? "result" : "arguments";
        if (!JsonValues.TryGetProperty(item, "data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"a '{role}' entry needs data {{id, name, {payloadName}}}");
            return null;
        }
        var id = JsonValues.ReadText(data, "id");
        var name = JsonValues.ReadText(data, "name");
        if (string.IsNullOrEmpty(id))
        {
            problems.Add("data.id is required");
        }
        if (string.IsNullOrEmpty(name))
        {
            problems.Add("data.name is required");
        }
        var payload = JsonValues.ReadText(data, payloadName);
        if (id is null or "" || name is null or "")
        {
            return null;
        }
        return isResult
            ? new FunctionCallData { Id = id, Name = name, Result = payload ?? "", IsError = JsonValues.ReadBool(data, "is_error") }
            : new FunctionCallData { Id = id, Name = name, Arguments = payload ?? "" };
    }
}
