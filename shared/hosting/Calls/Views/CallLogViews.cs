using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Cekura.Hosting.Calls.Views;

/// <summary>A metric as listed in <c>metrics</c>.</summary>
public sealed record MetricSummary(long Id, string Name, string Type, double? Score, string? Enum, JsonElement? Value);

/// <summary>Cekura's <c>evaluation</c> object.</summary>
public sealed record EvaluationView(IReadOnlyList<MetricResult> Metrics);

/// <summary>A call log as listed by <c>GET /observability/v2/call-logs/</c>.</summary>
public record CallLogView
{
    public required long Id { get; init; }
    public required string CallId { get; init; }
    public string? TraceId { get; init; }
    public required long Agent { get; init; }
    public string? AgentName { get; init; }
    public string? Duration { get; init; }
    public bool? Success { get; init; }
    public bool IsReviewed { get; init; }
    public string? Status { get; init; }
    public string? Feedback { get; init; }
    public IReadOnlyList<MetricSummary> Metrics { get; init; } = [];
    public EvaluationView? Evaluation { get; init; }
    public string? CallEndedReason { get; init; }
    public string? CustomerNumber { get; init; }
    public required string Timestamp { get; init; }
    public string? Topic { get; init; }
    public string? DropoffPoint { get; init; }
    public string? Transcript { get; init; }
    public IReadOnlyList<TranscriptEntry>? TranscriptObject { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>Our addition: where the call is in the processing chain (received … evaluated, or failed).</summary>
    public required string ProcessingStage { get; init; }
    public required string CreatedAt { get; init; }
    public required string UpdatedAt { get; init; }
}

/// <summary>The detail view: the list view plus what the call carried.</summary>
public sealed record CallLogDetailView : CallLogView
{
    public string? VoiceRecordingUrl { get; init; }

    /// <summary>Our addition: the <c>voice_recording_url</c> the client sent (fetching it comes with the audio work).</summary>
    public string? SourceRecordingUrl { get; init; }
    public string? TranscriptType { get; init; }
    public JsonElement? Metadata { get; init; }
    public JsonElement? DynamicVariables { get; init; }
    public IReadOnlyList<string> RedactFields { get; init; } = [];
    public IReadOnlyList<long> MetricIds { get; init; } = [];
    public int? MainAgentChannelIndex { get; init; }
    public int? TestingChannelIndex { get; init; }

    /// <summary>Our addition, for speaker-indexed transcripts: which channel/speaker is the agent and which rule decided.</summary>
    public int? AgentSpeakerIndex { get; init; }
    public string? AgentSpeakerRule { get; init; }

    /// <summary>
    /// Measured from the recording by the transcription stage (null before it ran, or without a recording): format,
    /// length, each channel's speaking segments, and for two-party stereo which channel is the agent and why.
    /// </summary>
    public RecordingData? RecordingData { get; init; }

    /// <summary>Our addition: what redaction replaced (counts only) and how the recording was masked.</summary>
    public RedactionSummary? Redaction { get; init; }

    /// <summary>Our addition: the metered redaction cost, <c>{minutes, credits}</c>; null when no field was selected.</summary>
    public RedactionUsage? RedactionUsage { get; init; }
}

public sealed record ErrorDetail(string Detail);

public sealed record DuplicateDetail(string Detail, long Id);

public sealed record Page<T>(long Count, string? Next, string? Previous, IReadOnlyList<T> Results);

/// <summary>Maps stored calls to the API's views.</summary>
public sealed class CallLogViews(PublicOrigin origin)
{
    public CallLogView Summary(CallLog call) => Fill(new CallLogView
    {
        Id = call.Id,
        CallId = call.CallId,
        Agent = call.AgentId,
        Timestamp = Iso(call.Timestamp),
        ProcessingStage = StageName(call.Stage),
        CreatedAt = Iso(call.CreatedAt),
        UpdatedAt = Iso(call.UpdatedAt),
    }, call);

    /// <summary>The detail view as the request's client reaches the API (recording link on the public origin).</summary>
    public CallLogDetailView Detail(CallLog call, HttpRequest request) => Detail(call, origin.For(request));

    /// <summary>The detail view with links under <paramref name="baseUrl"/> (the API's public origin); no recording link without one.</summary>
    public CallLogDetailView Detail(CallLog call, string? baseUrl)
    {
        var withheld = IsWithheld(call);
        var detail = Fill(new CallLogDetailView
        {
            Id = call.Id,
            CallId = call.CallId,
            Agent = call.AgentId,
            Timestamp = Iso(call.Timestamp),
            ProcessingStage = StageName(call.Stage),
            CreatedAt = Iso(call.CreatedAt),
            UpdatedAt = Iso(call.UpdatedAt),
            TranscriptType = call.TranscriptType,
            // The client's own URL, so redaction cannot reach what sits behind it; it is still held back while the
            // call is withheld, and shown as sent afterwards.
            SourceRecordingUrl = withheld ? null : call.SourceRecordingUrl,
            Metadata = call.Metadata,
            DynamicVariables = call.DynamicVariables,
            RedactFields = call.RedactFields,
            MetricIds = call.MetricIds,
            // The client's index, else the one the transcription stage detected in a stereo recording.
            MainAgentChannelIndex = AgentChannel(call),
            TestingChannelIndex = AgentChannel(call) is { } main ? 1 - main : null,
            AgentSpeakerIndex = call.AgentSpeakerIndex,
            AgentSpeakerRule = call.AgentSpeakerRule,
            RecordingData = call.RecordingData,
            Redaction = call.Redaction,
            RedactionUsage = call.RedactionUsage,
        }, call);
        return detail with
        {
            VoiceRecordingUrl = call.Recording is null || withheld || string.IsNullOrEmpty(baseUrl)
                ? null
                : $"{baseUrl.TrimEnd('/')}/observability/v2/call-logs/{call.Id}/recording/",
        };
    }

    private static int? AgentChannel(CallLog call) => call.MainAgentChannelIndex ?? call.RecordingData?.MainAgentChannelIndex;

    /// <summary>Until redaction has run, a call that asked for it shows no transcript and no recording.</summary>
    public static bool IsWithheld(CallLog call) =>
        call.RedactFields.Count > 0 && call.Stage is not (CallStage.Redacted or CallStage.Evaluated);

    private static T Fill<T>(T view, CallLog call) where T : CallLogView
    {
        var withheld = IsWithheld(call);
        return view with
        {
            TraceId = call.TraceId,
            AgentName = call.AgentName,
            Duration = call.DurationSeconds is { } d ? TranscriptText.Clock(d) : null,
            Success = call.Success,
            IsReviewed = call.IsReviewed,
            Status = call.Status,
            Feedback = call.Feedback,
            Metrics = call.Metrics.Select(m => new MetricSummary(m.Id, m.Name, m.Type, m.Score, m.Enum, m.Value)).ToList(),
            Evaluation = call.Stage == CallStage.Evaluated ? new EvaluationView(call.Metrics) : null,
            CallEndedReason = call.CallEndedReason,
            CustomerNumber = call.CustomerNumber,
            Topic = call.Topic,
            DropoffPoint = call.DropoffPoint,
            Transcript = withheld ? null : TranscriptText.Render(call.TranscriptObject),
            TranscriptObject = withheld ? null : call.TranscriptObject,
            ErrorMessage = call.ErrorMessage,
        };
    }

    private static string StageName(CallStage stage) => stage.ToString().ToLowerInvariant();

    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
