using System.Text.Json.Serialization;

namespace Cekura.Contracts.Calls;

/// <summary>One entry of the canonical transcript; times are seconds from the start of the call.</summary>
public sealed record TranscriptEntry
{
    public required string Role { get; init; }
    public required string Content { get; init; }
    public double? StartTime { get; init; }
    public double? EndTime { get; init; }

    /// <summary>Present on function call and function call result entries only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FunctionCallData? Data { get; init; }

    [JsonIgnore]
    public bool IsSpeech => Role is TranscriptRoles.MainAgent or TranscriptRoles.TestingAgent;
}

/// <summary>The payload of a function call (<c>arguments</c>, a JSON string) or of its result.</summary>
public sealed record FunctionCallData
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Arguments { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Result { get; init; }

    /// <summary>
    /// The provider's own error flag on a result (ElevenLabs/LiveKit <c>is_error</c>, Retell <c>successful: false</c>);
    /// null when the provider does not say, so "no flag" is never read as "succeeded".
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IsError { get; init; }
}
