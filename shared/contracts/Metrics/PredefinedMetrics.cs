namespace Cekura.Contracts.Metrics;

/// <summary>
/// A metric that ships with the system; its id is stable across installations. <see cref="Type"/> is the kind of value
/// it reports (<c>numeric</c>, <c>binary</c> or <c>enum</c>, as a custom metric's eval type).
/// </summary>
public sealed record PredefinedMetric(long Id, string Name, string Type, string Description)
{
    /// <summary>The categories an <c>enum</c> metric reports; empty for the others.</summary>
    public IReadOnlyList<string> EnumValues { get; init; } = [];
}

/// <summary>
/// The catalogue of predefined metrics: ingest validates <c>metric_ids</c> against it, evaluation computes them.
/// Ids are stable: a new metric takes the next id, and no id is ever reused or renumbered.
/// Timing metrics run on the recording's per-channel speaking segments when its stereo channels separate the two
/// parties, else on the transcript's timed turns; "turns" below means whichever of the two was used.
/// </summary>
public static class PredefinedMetrics
{
    public static readonly PredefinedMetric Latency = new(
        1, "Latency", "numeric",
        "Gap in ms from the end of a caller turn to the start of the agent turn that follows it: mean (the score), P50, P90, P95, P99.");

    public static readonly PredefinedMetric AiInterruptingUser = new(
        2, "AI Interrupting User", "numeric", "Agent turns that start before the caller has finished speaking.");

    public static readonly PredefinedMetric UserInterruptingAi = new(
        3, "User Interrupting AI", "numeric", "Caller turns that start before the agent has finished speaking.");

    public static readonly PredefinedMetric InterruptionScore = new(
        4, "Interruption Score", "numeric",
        "5 * (1 - (AI interrupting user + user interrupting AI) / turns), clamped to 0..5, where turns = the number of " +
        "speaker runs (maximal runs of consecutive turns by one party, in start order).");

    public static readonly PredefinedMetric StopTimeAfterInterruption = new(
        5, "Stop Time After User Interruption", "numeric",
        "For each caller turn that starts while the agent is speaking: ms from the caller's start to the end of the agent " +
        "speech under way (the latest end of the agent's earlier turns); the mean.");

    public static readonly PredefinedMetric TalkRatio = new(
        6, "Talk Ratio", "numeric",
        "Agent speaking seconds (union of agent turns) / call duration (duration_seconds when known, else the last turn's end).");

    public static readonly PredefinedMetric LongestMonologue = new(
        7, "Longest Agent Monologue", "numeric",
        "Seconds from the first start to the last end of the longest run of consecutive agent turns with no caller turn between them.");

    public static readonly PredefinedMetric WordsPerMinute = new(
        8, "Words Per Minute", "numeric",
        "Agent words (whitespace tokens with a letter or digit, from the agent's transcript text) / agent speaking minutes (union of agent turns).");

    public static readonly PredefinedMetric SilenceDetection = new(
        9, "Silence Detection", "binary",
        "False when a mutual silence (no party speaking) between the first and the last speech lasts longer than " +
        "silence_duration (default 10 s); leading and trailing silence are not counted.");

    public static readonly PredefinedMetric InfrastructureIssues = new(
        10, "Infrastructure Issues", "binary",
        "False when, after the caller stops speaking, no one speaks for longer than infra_issues_timeout (default 10 s), " +
        "including until the end of the call when its duration is known.");

    public static readonly PredefinedMetric ToolCallSuccess = new(
        11, "Tool Call Success", "binary",
        "False when any function call result is an error: the provider flagged it (is_error) or its result is a JSON object " +
        "with a non-empty \"error\" member. True when no result failed, including calls without tools.");

    public static readonly PredefinedMetric CallEndReason = new(
        12, "Call End Reason", "enum",
        "call_ended_reason mapped to customer_ended, agent_ended, transfer, voicemail, timeout, no_answer, error or other; " +
        "not evaluated when the call has no end reason.")
    {
        EnumValues = ["customer_ended", "agent_ended", "transfer", "voicemail", "timeout", "no_answer", "error", "other"],
    };

    public static readonly PredefinedMetric TurnCounts = new(
        13, "Turn Counts", "numeric",
        "Speech turns in the transcript (agent + caller, timed or not); extra has agent, caller, function call and function result counts.");

    public static readonly PredefinedMetric UnnecessaryRepetition = new(
        14, "Unnecessary Repetition", "numeric",
        "Agent turns of at least 4 distinct tokens (lower-cased, punctuation as a separator) whose token set has Jaccard similarity >= 0.8 " +
        "with an earlier such agent turn's.");

    // Metrics 15-19 come from the voice agent's own OpenTelemetry spans, linked to the call by its trace_id; without
    // a trace id, or with no span received for it, they are "not evaluated" with the reason.

    public static readonly PredefinedMetric SttLatency = new(
        15, "STT Latency", "numeric",
        "Mean duration in ms of the agent's \"stt\" spans (speech-to-text); P50, P90 and the span count in the explanation and extra.");

    public static readonly PredefinedMetric LlmLatency = new(
        16, "LLM Latency", "numeric",
        "Mean duration in ms of the agent's \"llm\" spans (the language model); P50, P90 and the span count in the explanation and extra.");

    public static readonly PredefinedMetric TtsLatency = new(
        17, "TTS Latency", "numeric",
        "Mean duration in ms of the agent's \"tts\" spans (speech synthesis); P50, P90 and the span count in the explanation and extra.");

    public static readonly PredefinedMetric LlmTokens = new(
        18, "LLM Tokens", "numeric",
        "Sum of gen_ai.usage.input_tokens + gen_ai.usage.output_tokens over the \"llm\" and \"s2s\" spans; the split in extra.");

    public static readonly PredefinedMetric LatencyBreakdown = new(
        19, "Latency Breakdown", "numeric",
        "Each agent reply's latency (as Latency measures it) split into contiguous segments that sum to it: speech-to-text, " +
        "model (llm, s2s), speech synthesis, tool calls, and what no span covers (uncovered); overlaps go to tool call > tts > " +
        "model > stt. Score: the percentage of the total latency that spans cover; extra.turns has each reply's segments.");

    /// <summary>The metrics computed from the voice agent's spans: what spans arriving after the evaluation change.</summary>
    public static readonly IReadOnlyList<PredefinedMetric> FromSpans = [SttLatency, LlmLatency, TtsLatency, LlmTokens, LatencyBreakdown];

    public static readonly IReadOnlyList<PredefinedMetric> All =
    [
        Latency, AiInterruptingUser, UserInterruptingAi, InterruptionScore, StopTimeAfterInterruption, TalkRatio,
        LongestMonologue, WordsPerMinute, SilenceDetection, InfrastructureIssues, ToolCallSuccess, CallEndReason,
        TurnCounts, UnnecessaryRepetition, SttLatency, LlmLatency, TtsLatency, LlmTokens, LatencyBreakdown,
    ];

    public static PredefinedMetric? Find(long id) => All.FirstOrDefault(m => m.Id == id);
}
