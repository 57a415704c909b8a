using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests;

/// <summary>One call is one trace: with a <c>trace_id</c> in the request, every span of its processing carries it.</summary>
public sealed class TracingTests : IAsyncLifetime
{
    private readonly EmbeddedHost _host = new();
    private readonly ConcurrentBag<Activity> _spans = [];
    private ActivityListener? _listener;

    public Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Cekura" or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener?.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Every_stage_of_a_call_joins_the_trace_id_of_the_request()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var client = _host.CreateAuthorizedClient();
        var body = Calls.Body("traced-1");
        body["trace_id"] = traceId.ToUpperInvariant();
        var response = await Calls.PostCallAsync(client, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadJsonAsync();
        Assert.Equal(traceId, created.GetProperty("trace_id").GetString());
        await Calls.WaitForStageAsync(client, created.GetProperty("id").GetInt64(), "evaluated");

        var inTrace = await WaitForSpansAsync(traceId, expectedConsumers: 3);
        Assert.Contains(inTrace, s => s.Source.Name == "Cekura" && s.OperationName == "ingest call");
        var consumed = inTrace.Where(s => s.Kind == ActivityKind.Consumer).Select(s => s.DisplayName).ToList();
        foreach (var stageQueue in new[] { "transcription", "redaction", "evaluation" })
        {
            Assert.Contains($"{stageQueue} process", consumed);
        }
        // CallReceived, CallTranscribed, CallRedacted and CallEvaluated were each sent inside the trace.
        var sent = inTrace.Where(s => s.Kind == ActivityKind.Producer).Select(s => s.DisplayName).ToList();
        Assert.True(sent.Count >= 4, string.Join(", ", sent));
    }

    [Fact]
    public async Task Without_a_trace_id_the_call_records_the_trace_its_processing_ran_in()
    {
        var client = _host.CreateAuthorizedClient();
        var created = await (await Calls.PostCallAsync(client, Calls.Body("untraced-1"))).ReadJsonAsync();
        var traceId = created.GetProperty("trace_id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        await Calls.WaitForStageAsync(client, created.GetProperty("id").GetInt64(), "evaluated");
        var inTrace = await WaitForSpansAsync(traceId, expectedConsumers: 3);
        Assert.True(inTrace.Count(s => s.Kind == ActivityKind.Consumer) >= 3, string.Join(", ", inTrace.Select(s => s.DisplayName)));
    }

    private async Task<List<Activity>> WaitForSpansAsync(string traceId, int expectedConsumers)
    {
        // Spans are reported when they stop, which can be just after the state the test polled for was written.
        // Count the consumers' "process" spans: each stage also has a "receive" span, which stops earlier.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var spans = _spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
            if (spans.Count(s => s.Kind == ActivityKind.Consumer && s.DisplayName.EndsWith(" process", StringComparison.Ordinal)) >= expectedConsumers)
            {
                return spans;
            }
            await Task.Delay(100);
        }
        return _spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
    }
}
