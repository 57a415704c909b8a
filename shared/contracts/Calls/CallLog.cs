using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cekura.Contracts.Calls;

/// <summary>
/// A stored call: what the client sent, normalized, plus what each processing stage recorded.
/// Stores persist it whole; <see cref="Version"/> makes every update a compare-and-swap.
/// </summary>
public sealed record CallLog
{
    public long Id { get; init; }
    public required long OrganizationId { get; init; }
    public required long ProjectId { get; init; }
    public required string CallId { get; init; }
    public string? TraceId { get; init; }
    public required long AgentId { get; init; }
    public string? AgentName { get; init; }
    public string? CallEndedReason { get; init; }
    public string? CustomerNumber { get; init; }
    public string? Feedback { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required string TranscriptType { get; init; }
    public IReadOnlyList<TranscriptEntry> TranscriptObject { get; init; } = [];
    public CallRecording? Recording { get; init; }
    public string? SourceRecordingUrl { get; init; }
    public JsonElement? Metadata { get; init; }
    public JsonElement? DynamicVariables { get; init; }

    /// <summary>
    /// While the call waits for redaction, its transcript and recording are sealed with this per-call data key
    /// (kept apart from the calls); the redaction stage writes the redacted versions in the clear and destroys the
    /// key, so the originals cannot be read again from anything the stores kept. Null when nothing is sealed.
    /// </summary>
    public string? DataKeyId { get; init; }

    /// <summary>The transcript sealed under <see cref="DataKeyId"/> (stored instead of <see cref="TranscriptObject"/>).</summary>
    public string? SealedTranscript { get; init; }

    /// <summary>Entity types to redact; empty means no redaction.</summary>
    public IReadOnlyList<string> RedactFields { get; init; } = [];
    public IReadOnlyList<long> MetricIds { get; init; } = [];
    public int? MainAgentChannelIndex { get; init; }

    /// <summary>For speaker-indexed transcripts (Deepgram): the channel/speaker taken as the agent, and the rule that decided.</summary>
    public int? AgentSpeakerIndex { get; init; }
    public string? AgentSpeakerRule { get; init; }

    /// <summary>
    /// Counts the replacements of the transcript (PATCH): a stage records its result only on the revision it read, so
    /// work on a replaced transcript that was still in flight changes nothing.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int TranscriptRevision { get; init; }

    public CallStage Stage { get; init; }
    public DateTimeOffset StageChangedAt { get; init; }

    /// <summary>The stage a failed call was waiting at (its input stage), so a re-run can re-drive it from there.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CallStage? FailedAt { get; init; }

    /// <summary>
    /// How many evaluations have completed: 1 after the first, plus one per re-evaluation. Each completed evaluation
    /// is announced once (the completion webhook's delivery key includes it).
    /// </summary>
    public int EvaluationCount { get; init; }

    /// <summary>
    /// Set by <c>evaluate_metrics</c>: the next evaluation computes only these metrics and keeps the other results;
    /// null means a full evaluation. Cleared when that evaluation is recorded.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<long>? PendingMetricIds { get; init; }

    /// <summary>
    /// The last arrival of late spans (its trace's last stored export) this call was sent back to evaluation for, so
    /// that a trace looked at again after a crash does not re-evaluate the call twice. Never shown to clients.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LateSpansThrough { get; init; }

    /// <summary>When the event owed by <see cref="Stage"/> was confirmed by the bus; null while it is still owed.</summary>
    public DateTimeOffset? OutboxPublishedAt { get; init; }

    /// <summary>
    /// When the outbox relay sends the call's current stage event again, after the stage failed on a transient error
    /// (a store, broker or backend outage) more often than the in-memory retries cover; null when nothing is scheduled.
    /// Workers only: never shown to clients.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? RedeliverAt { get; init; }

    /// <summary>Redeliveries scheduled for the current stage so far; back to 0 whenever the call moves on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Redeliveries { get; init; }

    public double? DurationSeconds { get; init; }

    /// <summary>Measured from the recording by the transcription stage; null without a recording.</summary>
    public RecordingData? RecordingData { get; init; }
    public bool? Success { get; init; }
    public string? Status { get; init; }
    public bool IsReviewed { get; init; }
    public IReadOnlyList<MetricResult> Metrics { get; init; } = [];
    public string? Topic { get; init; }
    public string? DropoffPoint { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>What the redaction stage did (null when it has not run or nothing was requested).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RedactionSummary? Redaction { get; init; }

    /// <summary>The metered cost of redacting this call; set whenever any field was requested.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RedactionUsage? RedactionUsage { get; init; }

    /// <summary>
    /// The blob key of an unredacted recording that was replaced and still has to be deleted. The redaction stage
    /// sets it in the same update that stores the redacted recording and clears it once the blob is gone, so a crash
    /// in between is finished on redelivery instead of leaving the original behind. Never shown to clients.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PendingRecordingDeletion { get; init; }

    /// <summary>
    /// The data key that sealed the call's originals, still to be destroyed: set by the redaction stage in the same
    /// update that writes the redacted versions in the clear, cleared once the key is gone. Never shown to clients.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PendingKeyDestruction { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public long Version { get; init; }
}

/// <summary>Where a call's recording sits in the blob store.</summary>
public sealed record CallRecording
{
    public required string BlobKey { get; init; }
    public required string ContentType { get; init; }
    public required string Format { get; init; }
    public required long SizeBytes { get; init; }

    /// <summary>ffprobe's facts, measured at ingest (null on calls stored before recordings were probed).</summary>
    public string? Codec { get; init; }
    public int? SampleRate { get; init; }
    public int? Channels { get; init; }
    public double? DurationSeconds { get; init; }

    /// <summary>Bits per second, for a lossy recording (null for PCM WAV and on calls stored before it was kept).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? BitRate { get; init; }
}

/// <summary>What the redaction stage removed: counts only, never the text.</summary>
public sealed record RedactionSummary
{
    /// <summary>Spans replaced by a placeholder in speech turns.</summary>
    public required int TranscriptSpans { get; init; }

    /// <summary>Spans replaced in function-call arguments and results.</summary>
    public required int FunctionCallSpans { get; init; }

    /// <summary>Time windows silenced or toned in the recording (after merging overlaps); 0 without a recording.</summary>
    public int AudioWindows { get; init; }

    /// <summary>
    /// Spans in untimed turns, which cannot be located in the audio: for each, that speaker's whole channel (all
    /// channels when they are not separable) was masked instead.
    /// </summary>
    public int UnlocatedAudioSpans { get; init; }

    /// <summary><c>silence</c> or <c>tone</c>; null without a recording.</summary>
    public string? AudioMask { get; init; }
}

/// <summary>Redaction is billed per call-minute, rounded up to a tenth of a minute.</summary>
public sealed record RedactionUsage(double Minutes, double Credits);
