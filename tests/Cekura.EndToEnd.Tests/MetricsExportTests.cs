using System.Net;
using System.Text;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Cekura.Hosting.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The embedded host exports its metrics over OTLP/HTTP to a receiver in the test, as it would to a collector: every
/// instrument of the Cekura meter with its tags and ASP.NET Core's, counted once per effect even when a stage's message
/// is delivered again.
/// </summary>
/// <remarks>
/// A MeterProvider listens to meters by name across the whole process, so another test's host recording on its own
/// "Cekura" meter at the same time would add to these counts: this test runs alone (<see cref="MetricsExportCollection"/>).
/// Even so, a fresh-clone CI once saw one call more in every stage count (work of an earlier host finishing after this
/// provider started listening), so counts that other hosts could add to are checked as "at least", and the redelivery as
/// "no change" against counts taken just before it.
/// MassTransit's meter is not asserted here: MassTransit sets its instruments up once per process (static fields, the
/// first bus configures them), and in a test process where earlier hosts have come and gone they were seen to report
/// nothing for a later host. A deployed process has one host (this test, run alone, did receive them).
/// </remarks>
[Collection(MetricsExportCollection.Name)]
public sealed class MetricsExportTests : IAsyncLifetime
{
    private OtlpMetricsReceiver _receiver = null!;
    private EmbeddedHost _host = null!;
    private FlakyCallStore? _flaky;

    public async Task InitializeAsync()
    {
        _receiver = await OtlpMetricsReceiver.StartAsync();
        // Evaluation's write fails as a bug would (no retry helps) until the test heals the store: the first call fails
        // at redacted after its metrics were computed, so its scores must not be counted.
        _host = new EmbeddedHost(
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.BaseUrl,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
            },
            services => services.AddSingleton<ICallStore>(sp => _flaky = new FlakyCallStore(
                new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Evaluated, failures: null) { Poison = true }));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Every_instrument_arrives_over_OTLP_with_its_tags_and_a_redelivery_counts_nothing_twice()
    {
        var client = _host.CreateAuthorizedClient();
        var failedId = await PostAsync(client, "metrics-fails");
        await Calls.WaitForStageAsync(client, failedId, "failed");
        _flaky!.Heal();
        var ids = new[] { await PostAsync(client, "metrics-1"), await PostAsync(client, "metrics-2") };
        foreach (var id in ids)
        {
            await Calls.WaitForStageAsync(client, id, "evaluated");
        }
        Assert.Equal(HttpStatusCode.Conflict, (await Calls.PostCallAsync(client, Calls.Body("metrics-1"))).StatusCode);
        var invalid = Calls.Body("metrics-invalid", agent: 999_999);
        invalid["transcript_type"] = " Cekura";
        Assert.Equal(HttpStatusCode.BadRequest, (await Calls.PostCallAsync(client, invalid)).StatusCode);
        var unreadable = await client.PostAsync("/observability/v1/observe/", new StringContent("{\"call_id\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);

        await WaitForAsync("every ingest outcome", () =>
            Ingested("cekura", "accepted") == 3 && Ingested("cekura", "duplicate") == 1 && Ingested("cekura", "invalid") == 1
            && Ingested("unknown", "unreadable") == 1);
        await WaitForAsync("a duration for each stage", () =>
            StageCount("received") >= 3 && StageCount("transcribed") >= 3 && StageCount("redacted") >= 2);
        await WaitForAsync("the failure at redacted", () =>
            _receiver.Latest(CekuraMetrics.CallsFailed).Any(p => p.Tag("stage") == "redacted" && p.Value >= 1));
        // Once nothing is in flight, every unfinished stage reads 0 and no event is owed.
        await WaitForAsync("the backlog gauges at 0 for every unfinished stage", () =>
            new[] { "received", "transcribed", "redacted" }.All(stage =>
                _receiver.Latest(CekuraMetrics.CallsInStage).Any(p => p.Tag("stage") == stage && p.Value == 0))
            && _receiver.Latest(CekuraMetrics.OutboxOwed).Any(p => p.Value == 0));
        await WaitForAsync("ASP.NET Core's request durations", () =>
            _receiver.Latest("http.server.request.duration").Any(p => p.Tag("http.route") == "/observability/v1/observe/"
                && p.Tag("http.response.status_code") == "201" && p.Count >= 3));
        var scores = await WaitForAsync("two evaluations' scores per numeric metric of agent 1", () =>
        {
            var points = _receiver.Latest(CekuraMetrics.MetricScore).Where(p => p.Tag("agent_id") == "1").ToList();
            return points.Count > 0 && points.All(p => p.Count >= 2 && p.Tag("metric") is { Length: > 0 } && p.Tag("metric_id") is not null)
                ? points : null;
        });
        // What the redelivery below is compared with: the counts once two more exports hold everything recorded so far.
        var settled = _receiver.MetricRequests;
        await WaitForAsync("two exports after the chain settled", () => _receiver.MetricRequests >= settled + 2);
        var redactedBefore = StageCount("redacted");
        scores = _receiver.Latest(CekuraMetrics.MetricScore).Where(p => scores.Any(s => SameSeries(p, s))).ToList();

        // The evaluated call's CallRedacted again, as a broker redelivers: consumed, but nothing is counted twice.
        var stored = (await _host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(ids[0], CancellationToken.None))!;
        var bus = _host.Services.GetRequiredService<IBus>();
        var consumed = new RedactedConsumed(stored.Id);
        using (bus.ConnectConsumeObserver(consumed))
        {
            await bus.Publish(new CallRedacted { CallLogId = stored.Id, ProjectId = stored.ProjectId });
            await consumed.Done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        // Two exports that began after the consumer returned hold anything it recorded.
        var exports = _receiver.MetricRequests;
        await WaitForAsync("two more exports", () => _receiver.MetricRequests >= exports + 2);
        Assert.Equal(redactedBefore, StageCount("redacted"));
        foreach (var before in scores)
        {
            var after = _receiver.Latest(CekuraMetrics.MetricScore).Single(p => SameSeries(p, before));
            Assert.Equal(before.Count, after.Count);
        }
        Assert.Empty(_receiver.Errors);
    }

    private static async Task<long> PostAsync(HttpClient client, string callId)
    {
        var response = await Calls.PostCallAsync(client, Calls.Body(callId));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private double Ingested(string transcriptType, string outcome) =>
        _receiver.Latest(CekuraMetrics.CallsIngested)
            .Where(p => p.Kind == "sum" && p.Tag("transcript_type") == transcriptType && p.Tag("outcome") == outcome)
            .Sum(p => p.Value);

    private ulong StageCount(string stage) =>
        _receiver.Latest(CekuraMetrics.StageDuration).Where(p => p.Unit == "s" && p.Tag("stage") == stage).Aggregate(0ul, (n, p) => n + p.Count);

    private static bool SameSeries(ExportedPoint a, ExportedPoint b) =>
        a.Attributes.Count == b.Attributes.Count && a.Attributes.All(kv => b.Tag(kv.Key) == kv.Value);

    private async Task WaitForAsync(string what, Func<bool> done) =>
        await Eventually.UntilAsync(() => Task.FromResult(done()), v => v, _ => NeverShowed(what));

    private async Task<T> WaitForAsync<T>(string what, Func<T?> probe) where T : class =>
        (await Eventually.UntilAsync(() => Task.FromResult(probe()), v => v is not null, _ => NeverShowed(what)))!;

    private string NeverShowed(string what) =>
        $"OTLP export never showed {what} ({_receiver.MetricRequests} metric exports received; names: "
        + string.Join(", ", _receiver.Points.Select(p => p.Metric).Distinct().Order()) + "); Cekura's latest: "
        + string.Join("; ", CekuraMetrics.Instruments.SelectMany(i => _receiver.Latest(i.Name)).Select(p =>
            $"{p.Metric}{{{string.Join(",", p.Attributes.Select(a => $"{a.Key}={a.Value}"))}}} value={p.Value} count={p.Count}"));
}

/// <summary>Completes when the bus has consumed (successfully or not) a CallRedacted for this call.</summary>
internal sealed class RedactedConsumed(long callLogId) : IConsumeObserver
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Observed(context.Message);

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Observed(context.Message);

    private Task Observed(object message)
    {
        if (message is CallRedacted redacted && redacted.CallLogId == callLogId)
        {
            Done.TrySetResult();
        }
        return Task.CompletedTask;
    }
}

// Runs after the parallel collections, alone: see MetricsExportTests' remarks.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsExportCollection
{
    public const string Name = "Metrics export";
}
