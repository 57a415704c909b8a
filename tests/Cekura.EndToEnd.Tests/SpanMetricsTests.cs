using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Contracts.Traces;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The span metrics (15-19) on the embedded host: a call whose trace_id names spans in the project's trace store is
/// evaluated with them, and <c>evaluate_metrics</c> recomputes them once late spans are in.
/// </summary>
public sealed class SpanMetricsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset CallStart = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private EmbeddedHost _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        // Spans go straight into the host's own trace store (the OTLP receiver's path is AgentTraceTests').
        _host = new EmbeddedHost();
        _client = _host.CreateAuthorizedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>
    /// Calls.Transcript: the caller stops at 1.94 s and the agent starts at 3.1 s (1160 ms), then 15.71 s → 17.61 s
    /// (1900 ms). The agent's spans: stt, llm and tts in the first reply; stt, llm around a tool call, tts in the second.
    /// </summary>
    private static AgentSpan[] AgentSpans(string traceId) =>
    [
        Span(traceId, "conversation", 0, 20, parent: null),
        Span(traceId, "stt", 1.8, 2.1),
        Span(traceId, "llm", 2.1, 2.7, Usage(120, 15)),
        Span(traceId, "tts", 2.7, 3.0),
        Span(traceId, "stt", 15.6, 15.9),
        Span(traceId, "llm", 15.9, 17.2, Usage(300, 25)),
        Span(traceId, "tool_call", 16.2, 16.8),
        Span(traceId, "tts", 17.2, 17.5),
    ];

    [Fact]
    public async Task A_call_whose_spans_are_stored_is_evaluated_with_stage_latencies_tokens_and_a_breakdown_per_reply()
    {
        var traceId = "0af7651916cd43dd8448eb211c80319c";
        await _host.Services.GetRequiredService<IAgentTraceStore>().AppendAsync(1, AgentSpans(traceId), CancellationToken.None);

        var id = await PostAsync("spans-1", traceId);
        var call = await Calls.WaitForStageAsync(_client, id, "evaluated");

        var results = Results(call);
        Assert.Equal(PredefinedMetrics.All.Count, results.Count);
        Assert.Equal(300, results[PredefinedMetrics.SttLatency.Id].GetProperty("score").GetDouble(), 6);
        Assert.Equal(950, results[PredefinedMetrics.LlmLatency.Id].GetProperty("score").GetDouble(), 6);
        Assert.Equal(300, results[PredefinedMetrics.TtsLatency.Id].GetProperty("score").GetDouble(), 6);
        Assert.Equal(460, results[PredefinedMetrics.LlmTokens.Id].GetProperty("score").GetDouble());

        var breakdown = results[PredefinedMetrics.LatencyBreakdown.Id];
        var turns = breakdown.GetProperty("extra").GetProperty("turns").EnumerateArray().ToList();
        Assert.Equal([1160.0, 1900.0], turns.Select(t => Math.Round(t.GetProperty("measured_ms").GetDouble(), 6)));
        Assert.All(turns, t => Assert.Equal(t.GetProperty("measured_ms").GetDouble(),
            t.GetProperty("segments").EnumerateArray().Sum(s => s.GetProperty("duration_ms").GetDouble()), 6));
        Assert.Equal(["stt", "llm", "tts", "uncovered"], Kinds(turns[0]));
        Assert.Equal(["stt", "llm", "tool_call", "llm", "tts", "uncovered"], Kinds(turns[1]));
        // Uncovered: 100 ms (3.0 → 3.1 s) and 110 ms (17.5 → 17.61 s) of 3060 ms.
        Assert.Equal(Math.Round(100.0 * (3060 - 210) / 3060, 1), breakdown.GetProperty("score").GetDouble());
        Assert.StartsWith("Mean latency 1530 ms over 2 agent replies:", breakdown.GetProperty("explanation")[0].GetString());
    }

    [Fact]
    public async Task Spans_that_arrive_after_the_evaluation_are_counted_when_evaluate_metrics_names_the_span_metrics()
    {
        var traceId = "5b8efff798038103d269b633813fc60c";
        var id = await PostAsync("late-1", traceId);
        await Calls.WaitForStageAsync(_client, id, "evaluated");
        var before = await StoredAsync(id);
        Assert.All(before.Metrics.Where(m => m.Id >= PredefinedMetrics.SttLatency.Id), m =>
            Assert.Equal($"Not evaluated: no spans were received for trace {traceId}.", m.Explanation[0]));

        await _host.Services.GetRequiredService<IAgentTraceStore>().AppendAsync(1, AgentSpans(traceId), CancellationToken.None);
        var response = await _client.PostAsJsonAsync("/observability/v1/call-logs/evaluate_metrics/",
            new { call_logs = new[] { id }, metrics = new[] { PredefinedMetrics.LlmLatency.Id, PredefinedMetrics.LatencyBreakdown.Id } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var after = await Eventually.UntilAsync(() => StoredAsync(id),
            c => c.EvaluationCount >= 2 && c.Stage == CallStage.Evaluated,
            c => $"call {id} has {c.EvaluationCount} evaluation(s) at stage {c.Stage}");
        Assert.Equal(before.Metrics.Select(m => m.Id), after.Metrics.Select(m => m.Id));
        Assert.Equal(950, after.Metrics.Single(m => m.Id == PredefinedMetrics.LlmLatency.Id).Score!.Value, 6);
        Assert.NotNull(after.Metrics.Single(m => m.Id == PredefinedMetrics.LatencyBreakdown.Id).Score);
        // Only the named metrics were recomputed; the others keep their earlier result.
        Assert.Null(after.Metrics.Single(m => m.Id == PredefinedMetrics.SttLatency.Id).Score);
    }

    [Fact]
    public async Task A_call_whose_trace_has_no_spans_reports_the_span_metrics_not_evaluated()
    {
        var id = await PostAsync("no-spans-1", "1f2e3d4c5b6a79880f1e2d3c4b5a6978");
        var call = await Calls.WaitForStageAsync(_client, id, "evaluated");

        var results = Results(call);
        Assert.All(SpanMetricIds, m =>
        {
            Assert.Equal(JsonValueKind.Null, results[m].GetProperty("score").ValueKind);
            Assert.Equal("Not evaluated: no spans were received for trace 1f2e3d4c5b6a79880f1e2d3c4b5a6978.",
                results[m].GetProperty("explanation")[0].GetString());
        });
        Assert.True(call.GetProperty("success").GetBoolean());
    }

    private static readonly long[] SpanMetricIds = [.. PredefinedMetrics.All.Where(m => m.Id >= 15).Select(m => m.Id)];

    private static Dictionary<long, JsonElement> Results(JsonElement call) =>
        call.GetProperty("evaluation").GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetInt64());

    private static string[] Kinds(JsonElement turn) =>
        [.. turn.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("kind").GetString()!)];

    private static Dictionary<string, object?> Usage(long input, long output) =>
        new() { ["gen_ai.usage.input_tokens"] = input, ["gen_ai.usage.output_tokens"] = output };

    private static AgentSpan Span(string traceId, string name, double start, double end,
        Dictionary<string, object?>? attributes = null, string? parent = "b7ad6b7169203331") =>
        new(traceId, Guid.NewGuid().ToString("N")[..16], parent, name, "voice-agent",
            CallStart.AddMilliseconds(start * 1000), CallStart.AddMilliseconds(end * 1000), attributes ?? []);

    private async Task<long> PostAsync(string callId, string traceId)
    {
        var body = Calls.Body(callId);
        body["trace_id"] = traceId;
        body["timestamp"] = CallStart.ToString("O");
        var response = await Calls.PostCallAsync(_client, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private async Task<CallLog> StoredAsync(long id) =>
        (await _host.Services.GetRequiredService<ICallStore>().GetAsync(1, id, CancellationToken.None))!;
}
