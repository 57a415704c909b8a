using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Contracts.Traces;
using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.Spans;

namespace Cekura.Evaluation.Tests.Metrics.Spans;

public sealed class SpanEvaluatorTests
{
    private static readonly long[] SpanMetricIds = [15, 16, 17, 18, 19];

    private static TranscriptEntry Caller(double start, double end) =>
        new() { Role = TranscriptRoles.TestingAgent, Content = "Hi there", StartTime = start, EndTime = end };

    private static TranscriptEntry Agent(double start, double end) =>
        new() { Role = TranscriptRoles.MainAgent, Content = "Hello", StartTime = start, EndTime = end };

    /// <summary>Two replies: 904 ms (stt, llm, tts, then 54 ms uncovered) and 600 ms (a tool call inside the model).</summary>
    private static readonly TranscriptEntry[] Transcript = [Caller(0, 2), Agent(2.904, 4), Caller(5, 6), Agent(6.6, 8)];

    private static Dictionary<string, object?> Usage(long input, long output) =>
        new() { ["gen_ai.usage.input_tokens"] = input, ["gen_ai.usage.output_tokens"] = output, ["gen_ai.system"] = "openai" };

    private static AgentTrace Trace() => new(Spans.TraceId,
    [
        Spans.Root(),
        Spans.Span("stt", 1.9, 2.18),
        Spans.Span("llm", 2.2, 2.6, attributes: Usage(100, 20)),
        Spans.Span("tts", 2.6, 2.85),
        Spans.Span("stt", 6.0, 6.1),
        Spans.Span("llm", 6.1, 6.5, attributes: Usage(150, 30)),
        Spans.Span("tool_call", 6.2, 6.3),
        Spans.Span("tts", 6.5, 6.6),
    ]);

    private static MetricResult Metric(IEnumerable<MetricResult> metrics, PredefinedMetric metric) => metrics.Single(m => m.Id == metric.Id);

    [Fact]
    public void The_catalogue_ends_with_the_five_span_metrics()
    {
        Assert.Equal(SpanMetricIds, SpanEvaluator.Metrics.Select(m => m.Id));
        Assert.Equal(SpanEvaluator.Metrics, PredefinedMetrics.All.TakeLast(5));
        Assert.Equal(["STT Latency", "LLM Latency", "TTS Latency", "LLM Tokens", "Latency Breakdown"], SpanEvaluator.Metrics.Select(m => m.Name));
    }

    [Fact]
    public void Without_a_trace_every_span_metric_is_not_evaluated_with_the_reason()
    {
        var metrics = CallEvaluator.Evaluate(Transcript).Metrics.Where(m => m.Id >= 15).ToList();

        Assert.Equal(SpanMetricIds, metrics.Select(m => m.Id));
        Assert.All(metrics, m =>
        {
            Assert.Null(m.Score);
            Assert.Null(m.Value);
            Assert.Equal("Not evaluated: the call has no trace_id.", m.Explanation[0]);
        });
    }

    [Fact]
    public void A_trace_without_spans_is_not_evaluated_naming_the_trace()
    {
        var metrics = CallEvaluator.Evaluate(Transcript, trace: CallTrace.Found(new AgentTrace(Spans.TraceId, []), Spans.CallStart)).Metrics;

        Assert.All(metrics.Where(m => m.Id >= 15), m =>
            Assert.Equal($"Not evaluated: no spans were received for trace {Spans.TraceId}.", m.Explanation[0]));
    }

    [Fact]
    public void Stage_latencies_are_mean_span_durations_with_p50_p90_and_count()
    {
        var metrics = CallEvaluator.Evaluate(Transcript, trace: CallTrace.Found(Trace(), Spans.CallStart)).Metrics;

        var stt = Metric(metrics, PredefinedMetrics.SttLatency);
        Assert.Equal(190, stt.Score);
        Assert.Equal("Mean 190 ms over 2 \"stt\" span(s); P50 190 ms, P90 262 ms.", stt.Explanation[0]);
        Assert.Equal(2, stt.Extra["count"].GetInt32());
        Assert.Equal(262, stt.Extra["p90_ms"].GetDouble());
        Assert.Equal(400, Metric(metrics, PredefinedMetrics.LlmLatency).Score);
        Assert.Equal(175, Metric(metrics, PredefinedMetrics.TtsLatency).Score);
        Assert.Equal(Spans.TraceId, stt.Extra["trace_id"].GetString());
    }

    [Fact]
    public void Tokens_sum_input_and_output_of_the_model_spans_with_the_split()
    {
        var trace = Trace() with { Spans = [.. Trace().Spans, Spans.Span("http", 2.2, 2.5, attributes: Usage(100, 20))] };

        var tokens = Metric(CallEvaluator.Evaluate(Transcript, trace: CallTrace.Found(trace, null)).Metrics, PredefinedMetrics.LlmTokens);

        Assert.Equal(300, tokens.Score);
        Assert.Equal("300 token(s) over 2 model span(s): 250 input, 50 output.", tokens.Explanation[0]);
        Assert.Equal(250, tokens.Extra["input_tokens"].GetInt64());
        Assert.Equal(50, tokens.Extra["output_tokens"].GetInt64());
    }

    [Fact]
    public void Tokens_are_not_evaluated_when_no_model_span_reports_usage()
    {
        var trace = new AgentTrace(Spans.TraceId, [Spans.Root(), Spans.Span("llm", 1, 2)]);

        var tokens = Metric(CallEvaluator.Evaluate(Transcript, trace: CallTrace.Found(trace, null)).Metrics, PredefinedMetrics.LlmTokens);

        Assert.Null(tokens.Score);
        Assert.StartsWith("Not evaluated: no \"llm\" or \"s2s\" span carries", tokens.Explanation[0]);
    }

    [Fact]
    public void The_breakdown_says_where_the_latency_went_per_reply_and_in_total()
    {
        var metrics = CallEvaluator.Evaluate(Transcript, trace: CallTrace.Found(Trace(), Spans.CallStart)).Metrics;

        var breakdown = Metric(metrics, PredefinedMetrics.LatencyBreakdown);
        // 904 + 600 ms measured; 20 + 54 + 0 ms uncovered.
        Assert.Equal(Math.Round(100.0 * (1504 - 74) / 1504, 1), breakdown.Score);
        Assert.Equal("Mean latency 752 ms over 2 agent replies: speech-to-text 140 ms (19 %), model 350 ms (47 %), speech synthesis 175 ms (23 %), " +
            "tool calls 50 ms (7 %), uncovered by any span 37 ms (5 %).", breakdown.Explanation[0]);
        Assert.Equal("Slowest reply (turn 1, 2 s to 2.9 s, 904 ms): speech-to-text 0-180 ms, uncovered by any span 180-200 ms, model 200-600 ms, " +
            "speech synthesis 600-850 ms, uncovered by any span 850-904 ms.", breakdown.Explanation[1]);
        Assert.Contains("Timed from the transcript's turn times (there is no recording).", breakdown.Explanation);

        var turns = breakdown.Extra["turns"].EnumerateArray().ToList();
        Assert.Equal([1, 3], turns.Select(t => t.GetProperty("turn_index").GetInt32()));
        foreach (var turn in turns)
        {
            var sum = turn.GetProperty("segments").EnumerateArray().Sum(s => s.GetProperty("duration_ms").GetDouble());
            Assert.Equal(turn.GetProperty("measured_ms").GetDouble(), sum, 9);
        }
        Assert.Equal(["stt", "llm", "tool_call", "llm", "tts"],
            turns[1].GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        var kinds = breakdown.Extra["summary"].GetProperty("kinds");
        Assert.Equal(Math.Round(74.0 / 904 / 2, 4), kinds.GetProperty("uncovered").GetProperty("mean_share").GetDouble());
        Assert.Equal(Math.Round(74.0 / 1504, 4), kinds.GetProperty("uncovered").GetProperty("share_of_total").GetDouble());
        Assert.Equal("conversation_span", breakdown.Extra["origin"].GetString());
        Assert.Equal("transcript", breakdown.Extra["timing_source"].GetString());
    }

    [Fact]
    public void The_breakdown_runs_on_the_recordings_speaking_segments_when_there_are_some()
    {
        // The transcript says the agent replied at 2.904 s; the recording says 2.5 s: the breakdown follows the audio.
        var recording = new RecordingData
        {
            SampleRate = 8000, Channels = 2, TotalDuration = 10, SeparableChannels = true, MainAgentChannelIndex = 0,
            VoiceActivityDetector = "energy", MainSpeaking = [new(2.5, 4)], TestingSpeaking = [new(0, 2)],
        };

        var breakdown = Metric(CallEvaluator.Evaluate(Transcript, recording, trace: CallTrace.Found(Trace(), null)).Metrics,
            PredefinedMetrics.LatencyBreakdown);

        var turn = breakdown.Extra["turns"].EnumerateArray().Single();
        Assert.Equal(500, turn.GetProperty("measured_ms").GetDouble(), 9);
        Assert.Equal("recording", breakdown.Extra["timing_source"].GetString());
    }

    [Fact]
    public void Without_a_root_span_or_a_call_start_the_breakdown_is_not_evaluated_but_stage_latencies_are()
    {
        var trace = new AgentTrace(Spans.TraceId, [Spans.Span("llm", 2.2, 2.6)], DroppedSpans: 3);

        var metrics = CallEvaluator.Evaluate(Transcript, trace: CallTrace.Found(trace, callStart: null)).Metrics;

        var breakdown = Metric(metrics, PredefinedMetrics.LatencyBreakdown);
        Assert.Null(breakdown.Score);
        Assert.StartsWith("Not evaluated: the trace has no \"conversation\" span and the call has no start time", breakdown.Explanation[0]);
        Assert.Equal(400, Metric(metrics, PredefinedMetrics.LlmLatency).Score);
        Assert.Contains("3 span(s) of this trace were dropped by the per-trace cap; the figures cover the 1 kept.",
            Metric(metrics, PredefinedMetrics.LlmLatency).Explanation);
        Assert.Equal("Not evaluated: the trace has no \"stt\" span.", Metric(metrics, PredefinedMetrics.SttLatency).Explanation[0]);
    }

    [Fact]
    public void Results_round_trip_through_json_as_stored()
    {
        var breakdown = Metric(CallEvaluator.Evaluate(Transcript, trace: CallTrace.Found(Trace(), null)).Metrics, PredefinedMetrics.LatencyBreakdown);

        var json = JsonSerializer.Serialize(breakdown);

        Assert.Contains("\"segments\"", json);
        Assert.Equal(breakdown.Score, JsonSerializer.Deserialize<MetricResult>(json)!.Score);
    }
}
