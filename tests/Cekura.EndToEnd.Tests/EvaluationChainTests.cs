using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Metrics;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Tests.Webhooks;
using Cekura.TestSupport.Protocols;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// Metrics made through the API and enabled on an agent, evaluated on its calls by the embedded host: an LLM judge
/// and the topic/drop-off classifications against a local chat-completions server, custom code (one of them
/// hostile), and the completion webhook to a local receiver that fails its first attempt.
/// </summary>
public sealed class EvaluationChainTests : IAsyncLifetime
{
    private const string Secret = "whsec_e2e_chain";
    private LocalProtocolServer _llm = null!;
    private WebhookReceiver _receiver = null!;
    private EmbeddedHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _llm = await LocalProtocolServer.StartAsync(
            Responders.OnlyAt("POST", "/v1/chat/completions", ChatCompletions.FillingSchema("Billing", "Greeting")));
        _receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Status(503), WebhookReceiver.Status(200));
        _host = new EmbeddedHost(new Dictionary<string, string?>
        {
            ["Llm:BaseUrl"] = _llm.BaseUrl + "/v1",
            ["Llm:ApiKey"] = "sk-e2e-chain",
            ["Llm:Model"] = "judge-model",
            ["CustomCode:TimeoutMs"] = "2000", // the ordinary script shares the machine with the runaway one
            ["Webhooks:AllowedPrivateHosts:0"] = "127.0.0.1",
            ["Webhooks:PollIntervalSeconds"] = "0.2",
            ["Webhooks:BackoffBaseSeconds"] = "0.2",
            ["Webhooks:BackoffCapSeconds"] = "1",
            ["Cekura:PublicBaseUrl"] = "https://calls.example.test",
        });
        _client = _host.CreateAuthorizedClient();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        await _llm.DisposeAsync();
    }

    [Fact]
    public async Task Enabled_metrics_classifications_and_the_completion_webhook_run_for_each_evaluation()
    {
        var agent = await CreateAsync("/test_framework/v1/aiagents/", new
        {
            agent_name = "Billing bot",
            description = "Helps {{customer}} with bills",
            topic_nodes = new[] { new { name = "Booking", description = "Appointments" }, new { name = "Billing", description = "Invoices and payments" } },
            dropoff_nodes = new[] { new { name = "Greeting", description = "Before the caller says why they call" } },
            webhook_url = _receiver.BaseUrl + "/hooks?token=t0k",
            webhook_secret = Secret,
        });
        var polite = await CreateAsync("/test_framework/v1/metrics/", new
        {
            name = "Polite", type = "llm_judge", eval_type = "binary", prompt = "Was {{agent_description}} polite? {{transcript}}", agents = new[] { agent },
        });
        var entries = await CreateAsync("/test_framework/v1/metrics/", new
        {
            name = "Entries", type = "custom_code", eval_type = "numeric", agents = new[] { agent },
            custom_code = "const latency = data.metrics.find(m => m.id === 1);\n_result = data.transcript_json.length;\n_explanation = ['latency ' + latency.score, data.agent_description];",
        });
        var runaway = await CreateAsync("/test_framework/v1/metrics/", new
        {
            name = "Runaway", type = "custom_code", eval_type = "binary", custom_code = "while (true) {}", agents = new[] { agent },
        });

        var body = Calls.Body("chain-1", agent);
        body["dynamic_variables"] = new JsonObject { ["customer"] = "Ann" };
        var created = await Calls.PostCallAsync(_client, body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        var call = await Calls.WaitForStageAsync(_client, id, "evaluated");

        Assert.Equal("evaluated", call.GetProperty("processing_stage").GetString());
        var results = call.GetProperty("evaluation").GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetInt64());
        Assert.Equal(PredefinedMetrics.All.Count + 3, results.Count);
        Assert.Equal(1, results[polite].GetProperty("score").GetDouble());
        Assert.True(results[polite].GetProperty("value").GetBoolean());
        Assert.Equal(4, results[entries].GetProperty("score").GetDouble());
        Assert.Equal(["latency 1530", "Helps Ann with bills"], results[entries].GetProperty("explanation").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, results[runaway].GetProperty("score").ValueKind);
        // Which limit stops `while (true) {}` first (time, statements or allocations) depends on the machine's speed.
        Assert.StartsWith("Not evaluated: custom code exceeded its ", results[runaway].GetProperty("explanation")[0].GetString());
        Assert.Equal("Billing", call.GetProperty("topic").GetString());
        Assert.Equal("Greeting", call.GetProperty("dropoff_point").GetString());
        Assert.True(call.GetProperty("success").GetBoolean());

        var judged = _llm.Requests.Single(r => r.ResponseFormat.GetRawText().Contains("\"result\"", StringComparison.Ordinal)
            && r.Json.GetRawText().Contains("polite", StringComparison.Ordinal));
        var prompt = judged.Messages.EnumerateArray().Last().GetProperty("content").GetString()!;
        Assert.Contains("Was Helps Ann with bills polite?", prompt);
        Assert.Contains("Main Agent: 6 PM.", prompt);
        Assert.Equal("judge-model", judged.Model);
        Assert.All(_llm.Requests, r => Assert.Equal("Bearer sk-e2e-chain", r.Authorization));

        // The receiver fails the first attempt; the dispatcher retries and the second gets through.
        var first = await WaitForWebhooksAsync(2);
        Assert.All(first, w => Assert.Equal($"{id}:1", w.Header("X-CEKURA-DELIVERY-ID")));
        var delivered = first[1];
        Assert.Equal(Secret, delivered.Header("X-CEKURA-SECRET"));
        Assert.Equal("/hooks?token=t0k", delivered.PathAndQuery);
        using var payload = JsonDocument.Parse(delivered.Body);
        Assert.Equal("call_log.completed", payload.RootElement.GetProperty("event_type").GetString());
        Assert.Equal(id, payload.RootElement.GetProperty("data").GetProperty("id").GetInt64());
        Assert.Equal("Billing", payload.RootElement.GetProperty("data").GetProperty("topic").GetString());

        // A re-evaluation is a new completion: one more delivery, with the next evaluation number.
        var rerun = await _client.PostAsJsonAsync("/observability/v1/call-logs/rerun_evaluation/", new { call_logs = new[] { id } });
        Assert.Equal(HttpStatusCode.OK, rerun.StatusCode);
        var second = await WaitForWebhooksAsync(3);
        Assert.Equal($"{id}:2", second[2].Header("X-CEKURA-DELIVERY-ID"));
        Assert.Equal(2, second.Count(w => w.Header("X-CEKURA-DELIVERY-ID") == $"{id}:1"));
    }

    private async Task<long> CreateAsync(string path, object body)
    {
        var response = await _client.PostAsJsonAsync(path, body);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json.GetProperty("id").GetInt64();
    }

    private Task<List<ReceivedWebhook>> WaitForWebhooksAsync(int count) => Eventually.UntilAsync(
        () => Task.FromResult<List<ReceivedWebhook>>([.. _receiver.Requests]),
        received => received.Count >= count, received => $"{received.Count} webhook request(s), expected {count}");
}
