using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Contracts.Traces;

namespace Cekura.Evaluation.Metrics.Spans;

/// <summary>What an evaluation knows of the call's own trace: its spans, or why there are none.</summary>
/// <param name="CallStart">The call's start, second 0 of its turns when the trace has no <c>conversation</c> span.</param>
public sealed record CallTrace(AgentTrace? Trace, DateTimeOffset? CallStart, string? Missing)
{
    public static CallTrace Found(AgentTrace trace, DateTimeOffset? callStart) => new(trace, callStart, null);

    /// <param name="reason">The sentence after "Not evaluated: ", e.g. "the call has no trace_id."</param>
    public static CallTrace Unavailable(string reason) => new(null, null, reason);
}

/// <summary>The predefined metrics computed from the voice agent's own spans (ids 15-19). Plain C#.</summary>
public static class SpanEvaluator
{
    public static IReadOnlyList<PredefinedMetric> Metrics => PredefinedMetrics.FromSpans;

    private static readonly LatencySegmentKind[] Kinds =
    [
        LatencySegmentKind.SpeechToText, LatencySegmentKind.Model, LatencySegmentKind.SpeechSynthesis,
        LatencySegmentKind.ToolCall, LatencySegmentKind.Uncovered,
    ];

    /// <param name="speech">The turns the timing metrics ran on (recording or transcript), for the breakdown.</param>
    public static IReadOnlyList<MetricResult> Evaluate(CallTrace callTrace, TimedSpeech speech)
    {
        var reason = callTrace.Missing
            ?? (callTrace.Trace is not { Spans.Count: > 0 } ? $"no spans were received for trace {callTrace.Trace?.TraceId}." : null);
        if (reason is not null)
        {
            return [.. Metrics.Select(m => NotEvaluated(m, reason, []))];
        }
        var trace = callTrace.Trace!;
        var notes = trace.DroppedSpans > 0
            ? [$"{trace.DroppedSpans} span(s) of this trace were dropped by the per-trace cap; the figures cover the {trace.Spans.Count} kept."]
            : Array.Empty<string>();
        var traceId = ("trace_id", Json(trace.TraceId));
        return
        [
            Stage(PredefinedMetrics.SttLatency, trace, AgentSpanNames.SpeechToText, notes, traceId),
            Stage(PredefinedMetrics.LlmLatency, trace, AgentSpanNames.Llm, notes, traceId),
            Stage(PredefinedMetrics.TtsLatency, trace, AgentSpanNames.TextToSpeech, notes, traceId),
            Tokens(TokenUsageMetric.Compute(trace.Spans), notes, traceId),
            Breakdown(LatencyBreakdownMetric.Compute(speech.Turns, trace.Spans, callTrace.CallStart), speech, notes, traceId),
        ];
    }

    private static MetricResult Stage(PredefinedMetric metric, AgentTrace trace, string name, string[] notes, (string, JsonElement) traceId)
    {
        var result = StageLatencyMetric.Compute(trace.Spans, name);
        if (result.MeanMs is not { } mean)
        {
            return NotEvaluated(metric, $"the trace has no \"{name}\" span.", notes, traceId, ("count", Json(0)));
        }
        return Numeric(metric, Math.Round(mean, 1),
            Invariant($"Mean {mean:0} ms over {result.Count} \"{name}\" span(s); P50 {result.P50Ms:0} ms, P90 {result.P90Ms:0} ms."),
            notes, traceId, ("mean_ms", Json(Math.Round(mean, 1))), ("p50_ms", Json(Math.Round(result.P50Ms!.Value, 1))),
            ("p90_ms", Json(Math.Round(result.P90Ms!.Value, 1))), ("count", Json(result.Count)));
    }

    private static MetricResult Tokens(TokenUsageResult result, string[] notes, (string, JsonElement) traceId) =>
        result.Spans == 0
            ? NotEvaluated(PredefinedMetrics.LlmTokens, "no \"llm\" or \"s2s\" span carries gen_ai.usage.input_tokens or gen_ai.usage.output_tokens.", notes, traceId)
            : Numeric(PredefinedMetrics.LlmTokens, result.Total,
                $"{result.Total} token(s) over {result.Spans} model span(s): {result.Input} input, {result.Output} output.",
                notes, traceId, ("input_tokens", Json(result.Input)), ("output_tokens", Json(result.Output)), ("spans", Json(result.Spans)));

    private static MetricResult Breakdown(LatencyBreakdownResult result, TimedSpeech speech, string[] notes, (string, JsonElement) traceId)
    {
        var metric = PredefinedMetrics.LatencyBreakdown;
        var timing = ("timing_source", Json(speech.Source));
        if (result.Origin is not { } origin)
        {
            return NotEvaluated(metric, "the trace has no \"conversation\" span and the call has no start time, so its spans cannot be placed on the call's turns.",
                [.. notes, speech.Description], traceId, timing);
        }
        var turns = result.Turns;
        var measured = turns.Sum(t => t.Measured.Ticks);
        if (turns.Count == 0 || measured == 0)
        {
            var why = turns.Count == 0 ? "no agent reply follows a timed caller turn." : "every measured latency is 0 ms; there is nothing to break down.";
            return NotEvaluated(metric, why, [.. notes, speech.Description], traceId, timing, ("turns", Json(Turns(turns))));
        }

        var totals = Kinds.ToDictionary(k => k, k => turns.Sum(t => t.Of(k).Ticks));
        var withLatency = turns.Where(t => t.Measured > TimeSpan.Zero).ToList();
        var summary = Kinds.ToDictionary(LatencyBreakdownMetric.Name, k => new Dictionary<string, double>
        {
            ["mean_ms"] = Math.Round(Ms(totals[k]) / turns.Count, 1),
            ["share_of_total"] = Math.Round((double)totals[k] / measured, 4),
            // The mean of each reply's own share: a few long replies weigh no more than the short ones.
            ["mean_share"] = Math.Round(withLatency.Average(t => (double)t.Of(k).Ticks / t.Measured.Ticks), 4),
        });
        var coverage = 100.0 * (measured - totals[LatencySegmentKind.Uncovered]) / measured;
        var parts = Kinds.Select(k => Invariant($"{Label(k)} {Ms(totals[k]) / turns.Count:0} ms ({100.0 * totals[k] / measured:0} %)"));
        var slowest = turns.MaxBy(t => t.Measured)!;
        var slowestParts = slowest.Segments.Select(s => Invariant($"{Label(s.Kind)} {Ms(s.Start.Ticks):0}-{Ms((s.Start + s.Duration).Ticks):0} ms"));
        var aligned = origin == TraceOrigin.ConversationSpan
            ? "Spans placed on the call's turns by taking the start of the \"conversation\" span as the call's second 0."
            : "Spans placed on the call's turns by taking the call's start timestamp as second 0 (the trace has no \"conversation\" span).";
        var explanation = new List<string>
        {
            Invariant($"Mean latency {Ms(measured) / turns.Count:0} ms over {turns.Count} agent repl{(turns.Count == 1 ? "y" : "ies")}: {string.Join(", ", parts)}."),
            Invariant($"Slowest reply (turn {slowest.TurnIndex}, {slowest.CallerEnd:0.##} s to {slowest.AgentStart:0.##} s, {slowest.Measured.TotalMilliseconds:0} ms): {string.Join(", ", slowestParts)}."),
            "Where spans overlap, each instant goes to one kind: tool call > speech synthesis > model > speech-to-text.",
            aligned,
        };
        if (result.StageSpansOutside > 0)
        {
            explanation.Add($"{result.StageSpansOutside} of {result.StageSpans} stt/llm/s2s/tts/tool_call span(s) overlap no reply's latency and are not in the breakdown.");
        }
        explanation.AddRange(notes);
        explanation.Add(speech.Description);
        return new MetricResult
        {
            Id = metric.Id, Name = metric.Name, Type = metric.Type,
            Score = Math.Round(coverage, 1), Value = Json(Math.Round(coverage, 1)),
            Explanation = explanation,
            Extra = new Dictionary<string, JsonElement>
            {
                ["turns"] = Json(Turns(turns)),
                ["summary"] = Json(new Dictionary<string, object>
                {
                    ["replies"] = turns.Count,
                    ["mean_measured_ms"] = Math.Round(Ms(measured) / turns.Count, 1),
                    ["kinds"] = summary,
                }),
                ["covered_percent"] = Json(Math.Round(coverage, 1)),
                ["origin"] = Json(origin == TraceOrigin.ConversationSpan ? "conversation_span" : "call_start"),
                ["spans_outside_replies"] = Json(result.StageSpansOutside),
                [traceId.Item1] = traceId.Item2,
                [timing.Item1] = timing.Item2,
            },
        };
    }

    /// <summary>The per-reply breakdowns as the result's <c>extra.turns</c> carries them (times in ms, from the caller's end).</summary>
    private static List<Dictionary<string, object>> Turns(IReadOnlyList<TurnBreakdown> turns) =>
    [
        .. turns.Select(t => new Dictionary<string, object>
        {
            ["turn_index"] = t.TurnIndex,
            ["caller_end_s"] = Math.Round(t.CallerEnd, 3),
            ["agent_start_s"] = Math.Round(t.AgentStart, 3),
            ["measured_ms"] = t.Measured.TotalMilliseconds,
            ["segments"] = t.Segments.Select(s => new Dictionary<string, object>
            {
                ["kind"] = LatencyBreakdownMetric.Name(s.Kind),
                ["start_ms"] = s.Start.TotalMilliseconds,
                ["duration_ms"] = s.Duration.TotalMilliseconds,
            }).ToList(),
        }),
    ];

    private static string Label(LatencySegmentKind kind) => kind switch
    {
        LatencySegmentKind.SpeechToText => "speech-to-text",
        LatencySegmentKind.Model => "model",
        LatencySegmentKind.SpeechSynthesis => "speech synthesis",
        LatencySegmentKind.ToolCall => "tool calls",
        _ => "uncovered by any span",
    };

    private static double Ms(long ticks) => (double)ticks / TimeSpan.TicksPerMillisecond;

    private static MetricResult Numeric(PredefinedMetric metric, double score, string sentence, string[] notes,
        params (string Key, JsonElement Value)[] extra) => new()
    {
        Id = metric.Id, Name = metric.Name, Type = metric.Type, Score = score, Value = Json(score),
        Explanation = [sentence, .. notes],
        Extra = extra.ToDictionary(e => e.Key, e => e.Value),
    };

    private static MetricResult NotEvaluated(PredefinedMetric metric, string why, string[] notes,
        params (string Key, JsonElement Value)[] extra) => new()
    {
        Id = metric.Id, Name = metric.Name, Type = metric.Type,
        Explanation = [$"Not evaluated: {why}", .. notes],
        Extra = extra.ToDictionary(e => e.Key, e => e.Value),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);
}
