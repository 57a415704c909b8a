using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.CustomCode;

/// <summary>
/// The <c>data</c> object a custom_code metric reads, with the API's snake_case field names:
/// <c>transcript</c>, <c>transcript_json</c>, <c>call_duration</c>, <c>call_end_reason</c>, <c>agent_description</c>,
/// <c>metadata</c>, <c>dynamic_variables</c>, <c>timestamp</c>, <c>recording_data</c> and <c>metrics</c> (the results
/// evaluated before this metric: <c>{id, name, type, score, enum, value}</c>).
/// </summary>
public sealed record CustomCodeData
{
    /// <summary>The transcript as text, as the call's detail view shows it.</summary>
    public string Transcript { get; init; } = "";
    public IReadOnlyList<TranscriptEntry> TranscriptJson { get; init; } = [];

    /// <summary>Seconds; null when unknown.</summary>
    public double? CallDuration { get; init; }
    public string? CallEndReason { get; init; }
    public string? AgentDescription { get; init; }
    public JsonElement? Metadata { get; init; }
    public JsonElement? DynamicVariables { get; init; }
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Per-channel speaking segments measured from the recording; null without a recording.</summary>
    public RecordingData? RecordingData { get; init; }

    /// <summary>Results evaluated before this metric (predefined metrics, earlier custom metrics).</summary>
    public IReadOnlyList<MetricResult> Metrics { get; init; } = [];

    /// <summary>The data of a stored call. <paramref name="transcript"/> is its text rendering, which the caller owns.</summary>
    public static CustomCodeData FromCall(CallLog call, string transcript, string? agentDescription, IReadOnlyList<MetricResult> earlierMetrics) => new()
    {
        Transcript = transcript,
        TranscriptJson = call.TranscriptObject,
        CallDuration = call.DurationSeconds,
        CallEndReason = call.CallEndedReason,
        AgentDescription = agentDescription,
        Metadata = call.Metadata,
        DynamicVariables = call.DynamicVariables,
        Timestamp = call.Timestamp,
        RecordingData = call.RecordingData,
        Metrics = earlierMetrics,
    };

    /// <summary>
    /// The JSON the sandbox parses into <c>data</c>. Missing <c>metadata</c> and <c>dynamic_variables</c> are
    /// <c>{}</c>, so <c>data.metadata.x</c> is <c>undefined</c> rather than an error.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(new Shape(
        Transcript,
        TranscriptJson,
        CallDuration,
        CallEndReason,
        AgentDescription,
        ObjectOrEmpty(Metadata),
        ObjectOrEmpty(DynamicVariables),
        Timestamp,
        RecordingData,
        Metrics.Select(m => new EarlierMetric(m.Id, m.Name, m.Type, m.Score, m.Enum, m.Value)).ToList()), CekuraJson.Options);

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static JsonElement ObjectOrEmpty(JsonElement? value) =>
        value is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } present ? present : EmptyObject;

    // Serialized with CekuraJson's snake_case policy: TranscriptJson -> transcript_json, CallEndReason -> call_end_reason.
    private sealed record Shape(
        string Transcript,
        IReadOnlyList<TranscriptEntry> TranscriptJson,
        double? CallDuration,
        string? CallEndReason,
        string? AgentDescription,
        JsonElement Metadata,
        JsonElement DynamicVariables,
        DateTimeOffset? Timestamp,
        RecordingData? RecordingData,
        IReadOnlyList<EarlierMetric> Metrics);

    private sealed record EarlierMetric(long Id, string Name, string Type, double? Score, string? Enum, JsonElement? Value);
}
