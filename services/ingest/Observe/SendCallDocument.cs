using System.Text.Json;

namespace Cekura.Ingest.Observe;

/// <summary>
/// The Send Calls fields as the OpenAPI document shows them. The endpoint reads the body itself (JSON, multipart
/// or urlencoded all map to these names); <c>voice_recording</c> is a multipart file part.
/// </summary>
public sealed record SendCallDocument(
    string CallId,
    string? TraceId,
    long? Agent,
    string? AssistantId,
    string? VoiceRecordingUrl,
    string? TranscriptType,
    JsonElement? TranscriptJson,
    string? CallEndedReason,
    string? CustomerNumber,
    JsonElement? Metadata,
    DateTimeOffset? Timestamp,
    JsonElement? DynamicVariables,
    string? Feedback,
    IReadOnlyList<string>? RedactFields,
    string? MetricIds,
    int? MainAgentChannelIndex);
