using System.Net;
using System.Net.Http.Json;
using Cekura.EndToEnd.Tests.Support;
using Cekura.TestSupport.Protocols;
using Xunit.Abstractions;

namespace Cekura.EndToEnd.Tests.Faults;

/// <summary>
/// Two evaluation workers on one queue, as an operator scales a stage: separate OS processes on a private broker,
/// each taking one message at a time and judging with an LLM of its own key. The judge server holds every request
/// until two are in flight at once, which only happens when both processes consume the queue together; then every
/// call must still be evaluated exactly once, with its judge's result.
/// </summary>
[Trait("Category", "Faults")]
public sealed class WorkerScalingTests(FaultDeployment deployment, ITestOutputHelper output) : IClassFixture<FaultDeployment>, IAsyncLifetime
{
    private const int CallCount = 8;
    private LocalProtocolServer _judge = null!;

    public async Task InitializeAsync() => _judge = await LocalProtocolServer.StartAsync(
        [Responders.OnlyAt("POST", "/v1/chat/completions", ChatCompletions.FillingSchema())], holdUntilConcurrent: 2);

    public async Task DisposeAsync() => await _judge.DisposeAsync();

    [SkippableFact]
    public async Task Two_workers_of_one_stage_share_its_queue_and_evaluate_every_call_once()
    {
        deployment.Broker.SkipIfUnavailable();
        await deployment.StartIngestAsync(0);
        await deployment.StartProcessAsync("transcription,redaction", new Dictionary<string, string>());
        foreach (var worker in new[] { "worker-1", "worker-2" })
        {
            await deployment.StartProcessAsync("evaluation", new Dictionary<string, string>
            {
                ["Bus__ConcurrentMessageLimit"] = "1",
                ["Bus__PrefetchCount"] = "1",
                ["Llm__BaseUrl"] = _judge.BaseUrl + "/v1",
                ["Llm__ApiKey"] = "sk-" + worker,
                ["Llm__Model"] = "judge-model",
                // A held request must outlast the test's own deadline, so that a single consumer fails the test
                // on its condition rather than on a timeout and retry.
                ["Llm__TimeoutSeconds"] = "300",
            });
        }

        var ingest = deployment.LiveIngest.Single();
        using var client = FaultDeployment.Client(ingest);
        var agent = await CreateAsync(client, "/test_framework/v1/aiagents/", new { agent_name = "Scaling bot" });
        var judged = await CreateAsync(client, "/test_framework/v1/metrics/", new
        {
            name = "Helpful", type = "llm_judge", eval_type = "binary", prompt = "Was the agent helpful? {{transcript}}", agents = new[] { agent },
        });
        for (var i = 0; i < CallCount; i++)
        {
            var created = await Calls.PostCallAsync(client, Calls.Body($"scaling-{i}", agent));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var together = await Eventually.UntilAsync(() => Task.FromResult(_judge.MostConcurrent),
            inFlight => inFlight.Count >= 2,
            inFlight => $"the judge never had two requests in flight at once (at most {inFlight.Count}: {string.Join(", ", inFlight)})",
            TimeSpan.FromSeconds(120));
        var stored = await Eventually.UntilAsync(() => deployment.CallsAsync("scaling-"),
            calls => calls.Count == CallCount && calls.All(c => c.Stage is "evaluated" or "failed"),
            calls => $"{calls.Count(c => c.Stage is "evaluated" or "failed")} of {CallCount} calls finished", TimeSpan.FromSeconds(120));
        var byWorker = _judge.Requests.GroupBy(r => r.Authorization ?? "").ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"[scaling] in flight together: {string.Join(", ", together)}; judge requests per worker: "
            + string.Join(", ", byWorker.Select(w => $"{w.Key} {w.Value}")));

        Assert.Equal(["Bearer sk-worker-1", "Bearer sk-worker-2"], together.Order());
        Assert.All(stored, c => Assert.True(c is { Stage: "evaluated", EvaluationCount: 1, DuplicateMetrics: 0 },
            $"{c.CallId}: stage {c.Stage}, evaluated {c.EvaluationCount} time(s), {c.DuplicateMetrics} duplicate metric(s), {c.ErrorMessage}"));
        Assert.Equal(CallCount, _judge.Requests.Count);
        foreach (var call in stored)
        {
            var view = await (await client.GetAsync($"/observability/v2/call-logs/{call.Id}/")).ReadJsonAsync();
            var result = view.GetProperty("evaluation").GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("id").GetInt64() == judged);
            Assert.True(result.GetProperty("value").GetBoolean(), result.ToString());
        }
    }

    private static async Task<long> CreateAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json.GetProperty("id").GetInt64();
    }
}
