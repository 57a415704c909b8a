using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Evaluation.Metrics.EndReason;
using Cekura.Evaluation.Metrics.InfrastructureIssues;
using Cekura.Evaluation.Metrics.InterruptionScore;
using Cekura.Evaluation.Metrics.Interruptions;
using Cekura.Evaluation.Metrics.Latency;
using Cekura.Evaluation.Metrics.Monologue;
using Cekura.Evaluation.Metrics.Repetition;
using Cekura.Evaluation.Metrics.SilenceDetection;
using Cekura.Evaluation.Metrics.Spans;
using Cekura.Evaluation.Metrics.StopTime;
using Cekura.Evaluation.Metrics.TalkRatio;
using Cekura.Evaluation.Metrics.ToolCalls;
using Cekura.Evaluation.Metrics.TurnCounts;
using Cekura.Evaluation.Metrics.WordsPerMinute;

namespace Cekura.Evaluation.Metrics;

/// <summary>The verdict on one call: its metric results and whether it succeeded.</summary>
public sealed record CallVerdict(IReadOnlyList<MetricResult> Metrics, bool Success);

/// <summary>Thresholds of the binary timing metrics, in seconds (metrics.md: both default to 10 s).</summary>
public sealed record MetricThresholds(
    double SilenceDurationSeconds = MetricThresholds.DefaultSeconds, double InfraIssuesTimeoutSeconds = MetricThresholds.DefaultSeconds)
{
    public const double DefaultSeconds = 10;
}

/// <summary>Runs the deterministic predefined metrics on a call. Plain C#, unit-tested directly.</summary>
public static class CallEvaluator
{
    /// <param name="recording">The transcription stage's measurements; with separable stereo channels the timing
    /// metrics use its speaking segments instead of the transcript's times.</param>
    /// <param name="durationSeconds">The call's duration when known: Talk Ratio's denominator, and the end of the
    /// last silence Infrastructure Issues checks.</param>
    /// <param name="endedReason">The provider's <c>call_ended_reason</c>, for Call End Reason.</param>
    /// <param name="trace">The voice agent's own spans for metrics 15-19; without it they are "not evaluated".</param>
    public static CallVerdict Evaluate(IReadOnlyList<TranscriptEntry> transcript, RecordingData? recording = null,
        double? durationSeconds = null, string? endedReason = null, MetricThresholds? thresholds = null, CallTrace? trace = null)
    {
        thresholds ??= new MetricThresholds();
        var speech = SpeechTurns.Choose(transcript, recording);
        var (turns, untimed) = (speech.Turns, speech.Untimed);
        var notes = untimed > 0
            ? [speech.Description, $"{untimed} speech turn(s) without start/end times were skipped."]
            : new[] { speech.Description };
        var (agent, caller) = speech.Source == SpeechTurns.RecordingSource
            ? ("agent speech segment(s)", "caller speech segment(s)")
            : ("agent turn(s)", "caller turn(s)");
        var timing = new Timing(notes, speech.Source);

        var latency = LatencyMetric.Compute(turns);
        var interruptions = InterruptionMetric.Compute(turns);
        var metrics = new List<MetricResult>
        {
            Latency(latency, notes, speech.Source),
            Count(PredefinedMetrics.AiInterruptingUser, interruptions.AiInterruptingUser,
                $"{agent} started before the caller had finished.", notes, speech.Source),
            Count(PredefinedMetrics.UserInterruptingAi, interruptions.UserInterruptingAi,
                $"{caller} started before the agent had finished.", notes, speech.Source),
            InterruptionScore(InterruptionScoreMetric.Compute(turns), timing),
            StopTime(StopTimeMetric.Compute(turns), timing),
            TalkRatio(TalkRatioMetric.Compute(turns, durationSeconds), timing),
            Monologue(LongestMonologueMetric.Compute(turns), timing),
            WordsPerMinute(WordsPerMinuteMetric.Compute(transcript, speech), timing),
            Silence(SilenceDetectionMetric.Compute(turns, thresholds.SilenceDurationSeconds), thresholds.SilenceDurationSeconds, timing),
            Infrastructure(InfrastructureIssuesMetric.Compute(turns, durationSeconds is > 0 ? durationSeconds : null,
                thresholds.InfraIssuesTimeoutSeconds), thresholds.InfraIssuesTimeoutSeconds, durationSeconds is > 0, timing),
            ToolCalls(ToolCallSuccessMetric.Compute(transcript)),
            EndReason(endedReason),
            TurnCounts(TurnCountMetric.Compute(transcript)),
            Repetition(RepetitionMetric.Compute(transcript)),
        };
        metrics.AddRange(SpanEvaluator.Evaluate(trace ?? CallTrace.Unavailable("the call has no trace_id."), speech));
        // No rubric is configured yet, so every rule is "skipped" and the call counts as a success (metrics.md).
        return new CallVerdict(metrics, Success: true);
    }

    /// <summary>What every timing metric's explanation and extra carry about where its times came from.</summary>
    private sealed record Timing(IReadOnlyList<string> Notes, string Source);

    private static MetricResult Latency(LatencyResult result, IReadOnlyList<string> notes, string source)
    {
        var metric = PredefinedMetrics.Latency;
        if (result.MeanMs is not { } mean)
        {
            return new MetricResult
            {
                Id = metric.Id, Name = metric.Name, Type = metric.Type,
                Explanation = ["Not evaluated: no agent reply follows a timed caller turn.", .. notes],
                Extra = new Dictionary<string, JsonElement> { ["samples"] = Json(0), ["timing_source"] = Json(source) },
            };
        }
        return new MetricResult
        {
            Id = metric.Id,
            Name = metric.Name,
            Type = metric.Type,
            Score = Math.Round(mean, 1),
            Value = Json(Math.Round(mean, 1)),
            Explanation =
            [
                Invariant($"Mean {mean:0} ms over {result.Samples} agent repl{(result.Samples == 1 ? "y" : "ies")}; P50 {result.P50Ms:0} ms, P90 {result.P90Ms:0} ms."),
                .. notes,
            ],
            Extra = new Dictionary<string, JsonElement>
            {
                ["mean_ms"] = Json(Math.Round(mean, 1)),
                ["p50_ms"] = Json(Math.Round(result.P50Ms!.Value, 1)),
                ["p90_ms"] = Json(Math.Round(result.P90Ms!.Value, 1)),
                ["p95_ms"] = Json(Math.Round(result.P95Ms!.Value, 1)),
                ["p99_ms"] = Json(Math.Round(result.P99Ms!.Value, 1)),
                ["samples"] = Json(result.Samples),
                ["timing_source"] = Json(source),
            },
        };
    }

    private static MetricResult Count(PredefinedMetric metric, int count, string what, IReadOnlyList<string> notes, string source) => new()
    {
        Id = metric.Id,
        Name = metric.Name,
        Type = metric.Type,
        Score = count,
        Value = Json(count),
        Explanation = [$"{count} {what}", .. notes],
        Extra = new Dictionary<string, JsonElement> { ["timing_source"] = Json(source) },
    };

    private static MetricResult InterruptionScore(InterruptionScoreResult result, Timing timing) =>
        result.Score is not { } score
            ? NotEvaluated(PredefinedMetrics.InterruptionScore, "there is no timed speech turn.", timing)
            : Numeric(PredefinedMetrics.InterruptionScore, Math.Round(score, 2),
                Invariant($"5 * (1 - {result.Interruptions} interruption(s) / {result.Turns} speaker run(s)) = {score:0.##} (clamped to 0..5)."),
                timing, ("interruptions", Json(result.Interruptions)), ("turns", Json(result.Turns)));

    private static MetricResult StopTime(StopTimeResult result, Timing timing) =>
        result.MeanMs is not { } mean
            ? NotEvaluated(PredefinedMetrics.StopTimeAfterInterruption, "the caller never started while the agent was speaking.",
                timing, ("samples", Json(0)))
            : Numeric(PredefinedMetrics.StopTimeAfterInterruption, Math.Round(mean, 1),
                Invariant($"The agent kept speaking {mean:0} ms on average after the caller cut in ({result.Samples} time(s); longest {result.MaxMs:0} ms)."),
                timing, ("mean_ms", Json(Math.Round(mean, 1))), ("max_ms", Json(Math.Round(result.MaxMs!.Value, 1))),
                ("samples", Json(result.Samples)));

    private static MetricResult TalkRatio(TalkRatioResult result, Timing timing)
    {
        var durationSource = result.DurationFromCall ? "call" : "last_speech_end";
        if (result.Ratio is not { } ratio)
        {
            return NotEvaluated(PredefinedMetrics.TalkRatio, "there is no timed speech turn.", timing);
        }
        var of = result.DurationFromCall ? "the call's duration" : "the last speech end (the call's duration is unknown)";
        return Numeric(PredefinedMetrics.TalkRatio, Math.Round(ratio, 3),
            Invariant($"The agent spoke {result.AgentSeconds:0.##} s of {result.DurationSeconds:0.##} s ({of}): {ratio:0.###}."),
            timing, ("agent_seconds", Json(Math.Round(result.AgentSeconds, 3))),
            ("duration_seconds", Json(Math.Round(result.DurationSeconds, 3))), ("duration_source", Json(durationSource)));
    }

    private static MetricResult Monologue(LongestMonologueResult result, Timing timing) =>
        result.Seconds is not { } seconds
            ? NotEvaluated(PredefinedMetrics.LongestMonologue, "the agent has no timed speech.", timing)
            : Numeric(PredefinedMetrics.LongestMonologue, Math.Round(seconds, 2),
                Invariant($"The agent's longest run of speech without the caller speaking lasted {seconds:0.##} s ({result.Start:0.##} s to {result.End:0.##} s)."),
                timing, ("start_s", Json(Math.Round(result.Start!.Value, 3))), ("end_s", Json(Math.Round(result.End!.Value, 3))));

    private static MetricResult WordsPerMinute(WordsPerMinuteResult result, Timing timing) =>
        result.Wpm is not { } wpm
            ? NotEvaluated(PredefinedMetrics.WordsPerMinute, "the agent has no timed speech.", timing,
                ("words", Json(result.Words)))
            : Numeric(PredefinedMetrics.WordsPerMinute, Math.Round(wpm, 1),
                Invariant($"{result.Words} agent word(s) in {result.AgentSeconds:0.##} s of agent speech: {wpm:0.#} words per minute."),
                timing, ("words", Json(result.Words)), ("agent_seconds", Json(Math.Round(result.AgentSeconds, 3))));

    private static MetricResult Silence(SilenceDetectionResult result, double threshold, Timing timing)
    {
        var metric = PredefinedMetrics.SilenceDetection;
        if (result.Passed is not { } passed)
        {
            return NotEvaluated(metric, "there is no timed speech turn.", timing, ("threshold_s", Json(threshold)));
        }
        var longest = result.Longest is { } l ? Math.Round(l.Length, 3) : 0;
        var sentence = result.Longest is { } gap
            ? Invariant($"Longest mutual silence {gap.Length:0.##} s ({gap.Start:0.##} s to {gap.End:0.##} s); {result.OverThreshold} silence(s) longer than {threshold:0.##} s.")
            : "No mutual silence between the first and the last speech.";
        return Binary(metric, passed, sentence, timing, ("longest_silence_s", Json(longest)),
            ("silences_over_threshold", Json(result.OverThreshold)), ("threshold_s", Json(threshold)));
    }

    private static MetricResult Infrastructure(InfrastructureIssuesResult result, double timeout, bool callEndKnown, Timing timing)
    {
        var metric = PredefinedMetrics.InfrastructureIssues;
        if (result.Passed is not { } passed)
        {
            return NotEvaluated(metric, "there is no timed speech turn.", timing, ("timeout_s", Json(timeout)));
        }
        var sentence = result.LongestWait is { } wait
            ? Invariant($"Longest silence after the caller spoke {wait.Length:0.##} s ({wait.Start:0.##} s to {wait.End:0.##} s{(wait.Trailing ? ", the end of the call" : "")}); {result.OverTimeout} longer than {timeout:0.##} s.")
            : "No silence followed the caller's speech.";
        var end = callEndKnown
            ? "Silence up to the end of the call counts."
            : "The call's duration is unknown, so silence after the last speech is not checked.";
        return Binary(metric, passed, sentence, timing with { Notes = [end, .. timing.Notes] },
            ("longest_wait_s", Json(result.LongestWait is { } w ? Math.Round(w.Length, 3) : 0)),
            ("waits_over_timeout", Json(result.OverTimeout)), ("timeout_s", Json(timeout)));
    }

    private static MetricResult ToolCalls(ToolCallSuccessResult result)
    {
        var sentence = result.Results == 0 ? "No function call results: no tool failed."
            : result.Passed ? $"All {result.Results} function call result(s) succeeded."
            : $"{result.Failed.Count} of {result.Results} function call result(s) failed: {string.Join(", ", result.Failed)}.";
        return Binary(PredefinedMetrics.ToolCallSuccess, result.Passed, sentence, timing: null,
            ("results", Json(result.Results)), ("failed", Json(result.Failed.Count)));
    }

    private static MetricResult EndReason(string? reason)
    {
        var metric = PredefinedMetrics.CallEndReason;
        if (EndReasonMetric.Categorise(reason) is not { } category)
        {
            return new MetricResult
            {
                Id = metric.Id, Name = metric.Name, Type = metric.Type,
                Explanation = ["Not evaluated: the call has no end reason."],
            };
        }
        return new MetricResult
        {
            Id = metric.Id, Name = metric.Name, Type = metric.Type, Enum = category,
            Explanation = [$"The call ended with \"{reason}\": {category}."],
            Extra = new Dictionary<string, JsonElement> { ["reason"] = Json(reason) },
        };
    }

    private static MetricResult TurnCounts(TurnCountResult result) => Numeric(PredefinedMetrics.TurnCounts, result.Speech,
        $"{result.Speech} speech turn(s): {result.Agent} agent, {result.Caller} caller; {result.FunctionCalls} function call(s), {result.FunctionResults} result(s).",
        timing: null, ("agent_turns", Json(result.Agent)), ("caller_turns", Json(result.Caller)),
        ("function_calls", Json(result.FunctionCalls)), ("function_results", Json(result.FunctionResults)));

    private static MetricResult Repetition(RepetitionResult result) => Numeric(PredefinedMetrics.UnnecessaryRepetition, result.Count,
        result.Count == 0
            ? "No agent turn repeats an earlier one."
            : $"{result.Count} agent turn(s) repeat an earlier agent turn (agent turns {string.Join(", ", result.Repeated.Select(i => i + 1))}).",
        timing: null, ("repeated_agent_turns", Json(result.Repeated.Select(i => i + 1).ToArray())));

    private static MetricResult Numeric(PredefinedMetric metric, double score, string sentence, Timing? timing,
        params (string Key, JsonElement Value)[] extra) => new()
    {
        Id = metric.Id, Name = metric.Name, Type = metric.Type, Score = score, Value = Json(score),
        Explanation = [sentence, .. timing?.Notes ?? []],
        Extra = Extra(timing, extra),
    };

    private static MetricResult Binary(PredefinedMetric metric, bool passed, string sentence, Timing? timing,
        params (string Key, JsonElement Value)[] extra) => new()
    {
        Id = metric.Id, Name = metric.Name, Type = metric.Type, Score = passed ? 1 : 0, Value = Json(passed),
        Explanation = [sentence, .. timing?.Notes ?? []],
        Extra = Extra(timing, extra),
    };

    private static MetricResult NotEvaluated(PredefinedMetric metric, string why, Timing timing,
        params (string Key, JsonElement Value)[] extra) => new()
    {
        Id = metric.Id, Name = metric.Name, Type = metric.Type,
        Explanation = [$"Not evaluated: {why}", .. timing.Notes],
        Extra = Extra(timing, extra),
    };

    private static Dictionary<string, JsonElement> Extra(Timing? timing, (string Key, JsonElement Value)[] extra)
    {
        var all = extra.ToDictionary(e => e.Key, e => e.Value);
        if (timing is not null)
        {
            all["timing_source"] = Json(timing.Source);
        }
        return all;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);
}
