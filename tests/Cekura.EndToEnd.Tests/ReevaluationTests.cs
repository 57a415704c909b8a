using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// <c>evaluate_metrics/</c> and <c>rerun_evaluation/</c> on the embedded host: the request moves the call back and
/// the workers evaluate it again through the bus, exactly once per request.
/// </summary>
public sealed class ReevaluationTests : IAsyncLifetime
{
    private FlakyCallStore? _flaky;
    private EmbeddedHost _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        // The evaluation stage cannot record its result until the test heals the store: the call fails at evaluation.
        _host = new EmbeddedHost(services: services => services.AddSingleton<ICallStore>(sp =>
            _flaky = new FlakyCallStore(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Evaluated, failures: null)));
        _client = _host.CreateAuthorizedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_call_that_failed_at_evaluation_is_re_driven_from_there_by_rerun_evaluation()
    {
        var id = await PostAsync("redrive-1");
        var failed = await Calls.WaitForStageAsync(_client, id, "failed");
        Assert.Equal("Evaluation failed: injected store outage", failed.GetProperty("error_message").GetString());
        Assert.Equal(CallStage.Redacted, (await StoredAsync(id)).FailedAt);

        _flaky!.Heal();
        var response = await _client.PostAsJsonAsync("/observability/v1/call-logs/rerun_evaluation/", new { call_logs = new[] { id } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(1, body.GetProperty("count").GetInt64());
        Assert.Equal(id, body.GetProperty("results")[0].GetProperty("id").GetInt64());
        var done = await Calls.WaitForStageAsync(_client, id, "evaluated");
        Assert.Equal("evaluated", done.GetProperty("processing_stage").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error_message").ValueKind);
        Assert.True(done.GetProperty("success").GetBoolean());
        var stored = await StoredAsync(id);
        Assert.Equal(1, stored.EvaluationCount);
        Assert.Null(stored.FailedAt);
        Assert.Equal(PredefinedMetrics.All.Count, stored.Metrics.Count);
    }

    [Fact]
    public async Task Evaluate_metrics_adds_the_metrics_to_the_call_and_evaluates_it_once_more()
    {
        _flaky!.Heal();
        var id = await PostAsync("again-1");
        await Calls.WaitForStageAsync(_client, id, "evaluated");
        var first = await StoredAsync(id);

        var response = await _client.PostAsJsonAsync("/observability/v1/call-logs/evaluate_metrics/",
            new { call_logs = new[] { id }, metrics = new[] { PredefinedMetrics.Latency.Id, PredefinedMetrics.TalkRatio.Id } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Calls.WaitForStageAsync(_client, id, "evaluated");
        var second = await WaitForEvaluationAsync(id, 2);
        Assert.Equal([PredefinedMetrics.Latency.Id, PredefinedMetrics.TalkRatio.Id], second.MetricIds);
        Assert.Null(second.PendingMetricIds);
        // The other results are kept as they were, the asked-for ones recomputed (same inputs, same values), in order.
        Assert.Equal(first.Metrics.Select(m => m.Id), second.Metrics.Select(m => m.Id));
        Assert.Equal(first.Metrics.Single(m => m.Id == PredefinedMetrics.Latency.Id).Score,
            second.Metrics.Single(m => m.Id == PredefinedMetrics.Latency.Id).Score);
    }

    [Fact]
    public async Task Rerun_of_all_an_agents_calls_evaluates_each_once_more_and_leaves_other_agents_alone()
    {
        _flaky!.Heal();
        var agent = await CreateAgentAsync("Rerun bot");
        var mine = new[] { await PostAsync("all-1", agent), await PostAsync("all-2", agent) };
        var other = await PostAsync("all-other");
        foreach (var id in mine.Append(other))
        {
            await Calls.WaitForStageAsync(_client, id, "evaluated");
        }

        var response = await _client.PostAsJsonAsync("/observability/v1/call-logs/rerun_evaluation/", new { call_logs = "all", agent_id = agent });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("count").GetInt64());
        foreach (var id in mine)
        {
            await WaitForEvaluationAsync(id, 2);
        }
        Assert.Equal(1, (await StoredAsync(other)).EvaluationCount);
    }

    [Fact]
    public async Task Bad_requests_are_400s_naming_the_field_and_change_nothing()
    {
        _flaky!.Heal();
        var id = await PostAsync("bad-1");
        await Calls.WaitForStageAsync(_client, id, "evaluated");

        var unknown = await ErrorsAsync("evaluate_metrics", new { call_logs = new object[] { id, 987654 }, metrics = new[] { 99999 } });
        Assert.Equal("Metric 99999 does not exist in this project.", unknown.GetProperty("metrics")[0].GetString());

        var notAList = await ErrorsAsync("evaluate_metrics", new { call_logs = "all", metrics = new[] { 1 } });
        Assert.Equal("Expected a list of call log ids, but got str.", notAList.GetProperty("call_logs")[0].GetString());

        var missingCall = await ErrorsAsync("rerun_evaluation", new { call_logs = new object[] { id, "987654" } });
        Assert.Equal("Call log 987654 does not exist in this project.", missingCall.GetProperty("call_logs")[0].GetString());

        var allWithoutAgent = await ErrorsAsync("rerun_evaluation", new { call_logs = "all" });
        Assert.Equal("Required when call_logs is \"all\".", allWithoutAgent.GetProperty("agent_id")[0].GetString());

        var empty = await ErrorsAsync("rerun_evaluation", new { call_logs = Array.Empty<long>() });
        Assert.Equal("This list may not be empty.", empty.GetProperty("call_logs")[0].GetString());

        var notJson = await _client.PostAsync("/observability/v1/call-logs/rerun_evaluation/",
            new StringContent("[1,2]", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        var stored = await StoredAsync(id);
        Assert.Equal(1, stored.EvaluationCount);
        Assert.Empty(stored.MetricIds);
    }

    private async Task<JsonElement> ErrorsAsync(string action, object body)
    {
        var response = await _client.PostAsJsonAsync($"/observability/v1/call-logs/{action}/", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task<long> PostAsync(string callId, long agent = 1)
    {
        var response = await Calls.PostCallAsync(_client, Calls.Body(callId, agent));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private async Task<long> CreateAgentAsync(string name)
    {
        var response = await _client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = name });
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private async Task<CallLog> StoredAsync(long id) =>
        (await _host.Services.GetRequiredService<ICallStore>().GetAsync(1, id, CancellationToken.None))!;

    /// <summary>The call once its <paramref name="count"/>th evaluation is recorded (the stage alone can still read "evaluated" from before).</summary>
    private async Task<CallLog> WaitForEvaluationAsync(long id, int count)
    {
        var call = await Eventually.UntilAsync(() => StoredAsync(id),
            c => c.EvaluationCount >= count && c.Stage == CallStage.Evaluated,
            c => $"call {id} has {c.EvaluationCount} evaluation(s) at stage {c.Stage}, not {count}");
        Assert.Equal(count, call.EvaluationCount);
        return call;
    }
}
