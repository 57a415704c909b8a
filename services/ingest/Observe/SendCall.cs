using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Recordings;

namespace Cekura.Ingest.Observe;

/// <summary>A Send Calls request that passed every field rule; the agent and custom metric ids are still to be checked against the project.</summary>
public sealed record SendCall
{
    public required string CallId { get; init; }
    public string? TraceId { get; init; }
    public long? AgentId { get; init; }
    public string? AssistantId { get; init; }
    public IFormFile? RecordingUpload { get; init; }
    public AudioFormat.Detected? RecordingFormat { get; init; }
    public string? RecordingUrl { get; init; }
    public required string TranscriptType { get; init; }
    public IReadOnlyList<TranscriptEntry> Transcript { get; init; } = [];

    /// <summary>Set when the format only indexes speakers and the parser decided which one is the agent.</summary>
    public Transcripts.AgentSpeaker? AgentSpeaker { get; init; }
    public string? CallEndedReason { get; init; }
    public string? CustomerNumber { get; init; }
    public JsonElement? Metadata { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public JsonElement? DynamicVariables { get; init; }
    public string? Feedback { get; init; }

    /// <summary>Null when the request did not name any: the agent's default list applies.</summary>
    public IReadOnlyList<string>? RedactFields { get; init; }
    public IReadOnlyList<long> MetricIds { get; init; } = [];
    public int? MainAgentChannelIndex { get; init; }
}
