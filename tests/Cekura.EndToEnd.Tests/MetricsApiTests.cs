using System.Net;
using System.Text;
using System.Text.Json;
using Cekura.Contracts.Metrics;
using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests;

/// <summary>Custom metrics through the embedded host: their fields and rules, the agents that enable them, and metric_ids.</summary>
public sealed class MetricsApiTests : IAsyncLifetime
{
    private const string Metrics = "/test_framework/v1/metrics/";
    private const string Agents = "/test_framework/v1/aiagents/";

    private readonly EmbeddedHost _host = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _host.CreateAuthorizedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_metric_is_created_read_listed_changed_replaced_and_deleted()
    {
        var created = await SendAsync(HttpMethod.Post, Metrics, """
            {"name": "Politeness", "description": "Was the agent polite?", "type": "llm_judge", "eval_type": "enum",
             "enum_values": ["polite", "neutral", "rude"], "prompt": "Judge {{transcript}}", "configuration": {"model": "gpt-4o"}}
            """, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();

        Assert.True(id >= MetricDefinition.FirstCustomId);
        Assert.Equal("Politeness", created.GetProperty("name").GetString());
        Assert.Equal("llm_judge", created.GetProperty("type").GetString());
        Assert.Equal("enum", created.GetProperty("eval_type").GetString());
        Assert.Equal(["polite", "neutral", "rude"], Strings(created.GetProperty("enum_values")));
        Assert.Equal("Judge {{transcript}}", created.GetProperty("prompt").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("custom_code").ValueKind);
        Assert.Equal("gpt-4o", created.GetProperty("configuration").GetProperty("model").GetString());
        Assert.Empty(created.GetProperty("agents").EnumerateArray());
        Assert.Equal(1, created.GetProperty("project").GetInt64());
        Assert.Equal(created.ToString(), (await GetAsync($"{Metrics}{id}/")).ToString());

        var list = await GetAsync(Metrics);
        Assert.Equal(1, list.GetProperty("count").GetInt64());
        Assert.Equal(id, Assert.Single(list.GetProperty("results").EnumerateArray()).GetProperty("id").GetInt64());

        // PATCH: only what is sent; switching eval_type away from enum drops the values it no longer has.
        var patched = await SendAsync(HttpMethod.Patch, $"{Metrics}{id}/", """{"eval_type": "binary", "description": "Polite?"}""");
        Assert.Equal("binary", patched.GetProperty("eval_type").GetString());
        Assert.Empty(patched.GetProperty("enum_values").EnumerateArray());
        Assert.Equal("Politeness", patched.GetProperty("name").GetString());
        Assert.Equal("Judge {{transcript}}", patched.GetProperty("prompt").GetString());

        // PUT: create's rules; what is left out takes its default.
        var replaced = await SendAsync(HttpMethod.Put, $"{Metrics}{id}/", """
            {"name": "Long call", "type": "custom_code", "eval_type": "binary", "custom_code": "_result = data.call_duration > 60;"}
            """);
        Assert.Equal("Long call", replaced.GetProperty("name").GetString());
        Assert.Equal("", replaced.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("prompt").ValueKind);
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("configuration").ValueKind);
        Assert.Equal("_result = data.call_duration > 60;", replaced.GetProperty("custom_code").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{Metrics}{id}/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"{Metrics}{id}/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"{Metrics}{id}/")).StatusCode);
        Assert.Equal(0, (await GetAsync(Metrics)).GetProperty("count").GetInt64());
    }

    public static TheoryData<string, string, string> BadMetrics() => new()
    {
        { """{"type": "llm_judge", "eval_type": "binary", "prompt": "p"}""", "name", "This field is required." },
        { $$"""{"name": "{{new string('n', 256)}}", "type": "llm_judge", "eval_type": "binary", "prompt": "p"}""", "name", "Ensure this field has no more than 255 characters." },
        { """{"name": "n", "eval_type": "binary", "prompt": "p"}""", "type", "This field is required." },
        { """{"name": "n", "type": "predefined", "eval_type": "binary", "prompt": "p"}""", "type", "Predefined metrics cannot be created: they are listed at /test_framework/v1/predefined-metrics-external/ and evaluated on every call. Use llm_judge or custom_code." },
        { """{"name": "n", "type": "magic", "eval_type": "binary", "prompt": "p"}""", "type", "\"magic\" is not a valid choice. Valid choices: llm_judge, custom_code." },
        { """{"name": "n", "type": "llm_judge", "prompt": "p"}""", "eval_type", "This field is required." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "score", "prompt": "p"}""", "eval_type", "\"score\" is not a valid choice. Valid choices: binary, numeric, continuous_qualitative, enum." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "enum", "prompt": "p"}""", "enum_values", "An enum metric needs a non-empty list of distinct values." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "enum", "enum_values": [], "prompt": "p"}""", "enum_values", "An enum metric needs a non-empty list of distinct values." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "enum", "enum_values": ["a", "a"], "prompt": "p"}""", "enum_values", "\"a\" is listed twice; values must be distinct." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "enum", "enum_values": ["a", 3], "prompt": "p"}""", "enum_values", "Each value must be a non-blank string; got 3." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "enum", "enum_values": "a,b", "prompt": "p"}""", "enum_values", "Expected a list of strings but got type \"str\"." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "numeric", "enum_values": ["a"], "prompt": "p"}""", "enum_values", "Only enum metrics have enum_values; this metric's eval_type is numeric." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary"}""", "prompt", "An llm_judge metric needs a prompt (or a description) stating what to judge." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary", "prompt": "p", "custom_code": "_result = 1;"}""", "custom_code", "Only custom_code metrics have custom_code; this metric's type is llm_judge." },
        { """{"name": "n", "type": "custom_code", "eval_type": "binary"}""", "custom_code", "This field is required for a custom_code metric." },
        { """{"name": "n", "type": "custom_code", "eval_type": "binary", "custom_code": "_result = true;", "prompt": "p"}""", "prompt", "Only llm_judge metrics have a prompt; this metric's type is custom_code." },
        { """{"name": "n", "type": "custom_code", "eval_type": "binary", "custom_code": "var x = 1;\n  _result = (x > ;"}""", "custom_code", "JavaScript syntax error at line 2, column 18: Unexpected token ';'." },
        { """{"name": "n", "type": "custom_code", "eval_type": "binary", "custom_code": "_result = /(unclosed/.test(data.transcript);"}""", "custom_code", "JavaScript syntax error at line 1, column 21: Invalid regular expression: /(unclosed/: Unterminated group." },
        { """{"name": "n", "type": "custom_code", "eval_type": "binary", "custom_code": 42}""", "custom_code", "Not a valid string." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary", "prompt": "p", "configuration": [1]}""", "configuration", "Expected a dictionary of items but got type \"list\"." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary", "prompt": "p", "agents": [987654]}""", "agents", "agent 987654 does not exist in this project" },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary", "prompt": "p", "agents": ["x"]}""", "agents", "Incorrect type. Expected pk value, received \"x\"." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary", "prompt": "p", "agents": 1}""", "agents", "Expected a list of ids but got type \"number\"." },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary", "prompt": "p", "agent": 987654}""", "agent", "agent 987654 does not exist in this project" },
        { """{"name": "n", "type": "llm_judge", "eval_type": "binary", "prompt": "p", "agent": 1, "agents": [1]}""", "agent", "Give agents (a list) or agent (one id), not both." },
        { """[1, 2]""", "non_field_errors", "Invalid data. Expected a dictionary, but got list." },
    };

    [Theory]
    [MemberData(nameof(BadMetrics))]
    public async Task A_bad_metric_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field, string message)
    {
        var errors = await SendAsync(HttpMethod.Post, Metrics, body, HttpStatusCode.BadRequest);

        Assert.Contains(message, Strings(errors.GetProperty(field)));
        Assert.Equal(0, (await GetAsync(Metrics)).GetProperty("count").GetInt64());
        Assert.Empty((await GetAsync($"{Agents}1/")).GetProperty("metrics").EnumerateArray());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_detail()
    {
        var response = await _client.PostAsync(Metrics, new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("JSON parse error", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Patch_and_put_apply_the_same_rules_and_unknown_metrics_are_404()
    {
        var id = await CreateMetricAsync("Judge");

        var errors = await SendAsync(HttpMethod.Patch, $"{Metrics}{id}/", """{"type": "custom_code"}""", HttpStatusCode.BadRequest);
        Assert.Equal(["This field is required for a custom_code metric."], Strings(errors.GetProperty("custom_code")));
        errors = await SendAsync(HttpMethod.Put, $"{Metrics}{id}/", """{"name": "only a name"}""", HttpStatusCode.BadRequest);
        Assert.True(errors.TryGetProperty("type", out _) && errors.TryGetProperty("eval_type", out _), errors.ToString());
        errors = await SendAsync(HttpMethod.Patch, $"{Metrics}{id}/", """{"name": ""}""", HttpStatusCode.BadRequest);
        Assert.Equal(["This field may not be blank."], Strings(errors.GetProperty("name")));
        Assert.Equal("Judge", (await GetAsync($"{Metrics}{id}/")).GetProperty("name").GetString());

        // Switching the kind with its code drops the judge's prompt.
        var code = await SendAsync(HttpMethod.Patch, $"{Metrics}{id}/", """{"type": "custom_code", "custom_code": "_result = true;"}""");
        Assert.Equal(JsonValueKind.Null, code.GetProperty("prompt").ValueKind);

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Patch, HttpMethod.Put, HttpMethod.Delete })
        {
            var request = new HttpRequestMessage(method, $"{Metrics}987654/")
            {
                Content = method == HttpMethod.Get || method == HttpMethod.Delete ? null : Json("""{"name": "x"}"""),
            };
            Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(request)).StatusCode);
        }
        // A predefined id is not a stored metric.
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"{Metrics}1/")).StatusCode);
    }

    [Fact]
    public async Task Enabling_works_from_the_metric_and_from_the_agent_and_the_agent_list_is_the_only_record()
    {
        var first = await CreateAgentAsync("First bot");
        var second = await CreateAgentAsync("Second bot");

        // From the metric: agents.
        var metric = await SendAsync(HttpMethod.Post, Metrics,
            $$"""{"name": "Booked", "type": "llm_judge", "eval_type": "binary", "prompt": "Did it book?", "agents": [{{first}}]}""",
            HttpStatusCode.Created);
        var id = metric.GetProperty("id").GetInt64();
        Assert.Equal([first], Ids(metric.GetProperty("agents")));
        Assert.Equal([id], Ids((await GetAsync($"{Agents}{first}/")).GetProperty("metrics")));

        // From the agent: metrics.
        await SendAsync(HttpMethod.Patch, $"{Agents}{second}/", $$"""{"metrics": [{{id}}]}""");
        Assert.Equal([first, second], Ids((await GetAsync($"{Metrics}{id}/")).GetProperty("agents")));

        // A change that does not send agents leaves the enabling alone.
        await SendAsync(HttpMethod.Patch, $"{Metrics}{id}/", """{"name": "Booked a table"}""");
        Assert.Equal([first, second], Ids((await GetAsync($"{Metrics}{id}/")).GetProperty("agents")));

        // agents, when sent, is the exact list: the first agent loses the metric, the second keeps it.
        var moved = await SendAsync(HttpMethod.Patch, $"{Metrics}{id}/", $$"""{"agents": ["{{second}}"]}""");
        Assert.Equal([second], Ids(moved.GetProperty("agents")));
        Assert.Empty((await GetAsync($"{Agents}{first}/")).GetProperty("metrics").EnumerateArray());

        // Cekura's single agent.
        var single = await SendAsync(HttpMethod.Put, $"{Metrics}{id}/",
            $$"""{"name": "Booked", "type": "llm_judge", "eval_type": "binary", "prompt": "Did it book?", "agent": {{first}}}""");
        Assert.Equal([first], Ids(single.GetProperty("agents")));
        Assert.Empty((await GetAsync($"{Agents}{second}/")).GetProperty("metrics").EnumerateArray());

        // The list filter by agent.
        var other = await CreateMetricAsync("Other");
        await SendAsync(HttpMethod.Patch, $"{Agents}{second}/", $$"""{"metrics": [{{other}}, {{id}}]}""");
        Assert.Equal([id], Ids((await GetAsync($"{Metrics}?agent_id={first}")).GetProperty("results"), "id"));
        Assert.Equal([id, other], Ids((await GetAsync($"{Metrics}?agent_id={second}")).GetProperty("results"), "id"));
        Assert.Equal(0, (await GetAsync($"{Metrics}?agent_id=987654")).GetProperty("count").GetInt64());
        var listed = (await GetAsync(Metrics)).GetProperty("results").EnumerateArray().ToDictionary(
            m => m.GetProperty("id").GetInt64(), m => Ids(m.GetProperty("agents")));
        Assert.Equal([first, second], listed[id]);
        Assert.Equal([second], listed[other]);
        Assert.Equal(["agent_id"], (await SendAsync(HttpMethod.Get, $"{Metrics}?agent_id=x", null, HttpStatusCode.BadRequest))
            .EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Deleting_a_metric_removes_it_from_every_agent_and_deleting_an_agent_removes_it_from_the_metrics_view()
    {
        var first = await CreateAgentAsync("First bot");
        var second = await CreateAgentAsync("Second bot");
        var doomed = await CreateMetricAsync("Doomed", first, second);
        var kept = await CreateMetricAsync("Kept", first, second);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{Metrics}{doomed}/")).StatusCode);

        Assert.Equal([kept], Ids((await GetAsync($"{Agents}{first}/")).GetProperty("metrics")));
        Assert.Equal([kept], Ids((await GetAsync($"{Agents}{second}/")).GetProperty("metrics")));

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{Agents}{first}/")).StatusCode);
        Assert.Equal([second], Ids((await GetAsync($"{Metrics}{kept}/")).GetProperty("agents")));
    }

    [Fact]
    public async Task The_predefined_catalogue_is_listed_with_stable_ids_and_eval_types()
    {
        var page = await GetAsync("/test_framework/v1/predefined-metrics-external/");
        var results = page.GetProperty("results").EnumerateArray().ToList();

        Assert.Equal(PredefinedMetrics.All.Count, page.GetProperty("count").GetInt32());
        Assert.Equal(PredefinedMetrics.All.Select(m => m.Id), results.Select(r => r.GetProperty("id").GetInt64()));
        Assert.All(results, r => Assert.Equal("predefined", r.GetProperty("type").GetString()));
        var byName = results.ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal("numeric", byName["Latency"].GetProperty("eval_type").GetString());
        Assert.Equal("numeric", byName["Talk Ratio"].GetProperty("eval_type").GetString());
        Assert.Equal("binary", byName["Silence Detection"].GetProperty("eval_type").GetString());
        Assert.Equal("binary", byName["Tool Call Success"].GetProperty("eval_type").GetString());
        var endReason = byName["Call End Reason"];
        Assert.Equal("enum", endReason.GetProperty("eval_type").GetString());
        Assert.Equal(["customer_ended", "agent_ended", "transfer", "voicemail", "timeout", "no_answer", "error", "other"],
            Strings(endReason.GetProperty("enum_values")));
        Assert.Empty(byName["Latency"].GetProperty("enum_values").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(byName["Latency"].GetProperty("description").GetString()));

        var second = await GetAsync("/test_framework/v1/predefined-metrics-external/?page=2&page_size=10");
        Assert.Equal(PredefinedMetrics.All.Count - 10, second.GetProperty("results").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, second.GetProperty("previous").ValueKind);
    }

    [Fact]
    public async Task Send_calls_metric_ids_accept_predefined_and_the_projects_metrics_and_name_any_other_id()
    {
        var mine = await CreateMetricAsync("Mine");
        var deleted = await CreateMetricAsync("Deleted");
        await _client.DeleteAsync($"{Metrics}{deleted}/");

        var accepted = Calls.Body("metric-ids-ok");
        accepted["metric_ids"] = $"1,{mine}";
        var created = await SendAsync(HttpMethod.Post, "/observability/v1/observe/", accepted.ToJsonString(), HttpStatusCode.Created);
        Assert.Equal([1L, mine], Ids(created.GetProperty("metric_ids")));

        var refused = Calls.Body("metric-ids-bad");
        refused["metric_ids"] = $"{mine},{deleted},987654";
        var errors = await SendAsync(HttpMethod.Post, "/observability/v1/observe/", refused.ToJsonString(), HttpStatusCode.BadRequest);
        Assert.Equal([$"metric {deleted} does not exist in this project", "metric 987654 does not exist in this project"],
            Strings(errors.GetProperty("metric_ids")));
        Assert.Equal(["metric_ids"], errors.EnumerateObject().Select(p => p.Name));

        // Below the custom range only the catalogue exists: refused with the field rules, before any lookup.
        var small = Calls.Body("metric-ids-small");
        small["metric_ids"] = "99";
        errors = await SendAsync(HttpMethod.Post, "/observability/v1/observe/", small.ToJsonString(), HttpStatusCode.BadRequest);
        Assert.Equal(["metric 99 does not exist in this project"], Strings(errors.GetProperty("metric_ids")));

        // An unknown agent and an unknown metric are reported together (the provider webhooks share this handler).
        var both = Calls.Body("metric-ids-and-agent", agent: 987654);
        both["metric_ids"] = "987654";
        var twice = await SendAsync(HttpMethod.Post, "/observability/v1/observe/", both.ToJsonString(), HttpStatusCode.BadRequest);
        Assert.Equal(["agent", "metric_ids"], twice.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, (await GetAsync("/observability/v2/call-logs/")).GetProperty("count").GetInt64());
        await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_metric_endpoints()
    {
        var paths = (await GetAsync("/openapi/v1.json")).GetProperty("paths");

        Assert.True(paths.GetProperty("/test_framework/v1/metrics/").TryGetProperty("post", out _));
        foreach (var method in new[] { "get", "patch", "put", "delete" })
        {
            Assert.True(paths.GetProperty("/test_framework/v1/metrics/{id}/").TryGetProperty(method, out _), method);
        }
        Assert.True(paths.GetProperty("/test_framework/v1/predefined-metrics-external/").TryGetProperty("get", out _));
        foreach (var method in new[] { "put", "delete" })
        {
            Assert.True(paths.GetProperty("/test_framework/v1/aiagents/{id}/").TryGetProperty(method, out _), method);
        }
    }

    private async Task<long> CreateAgentAsync(string name) =>
        (await SendAsync(HttpMethod.Post, Agents, JsonSerializer.Serialize(new { agent_name = name }), HttpStatusCode.Created))
        .GetProperty("id").GetInt64();

    private async Task<long> CreateMetricAsync(string name, params long[] agents) =>
        (await SendAsync(HttpMethod.Post, Metrics, JsonSerializer.Serialize(new
        {
            name, type = "llm_judge", eval_type = "binary", prompt = $"Judge {name}", agents,
        }), HttpStatusCode.Created)).GetProperty("id").GetInt64();

    private async Task<JsonElement> GetAsync(string path) => await SendAsync(HttpMethod.Get, path, null);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static List<string?> Strings(JsonElement list) => list.EnumerateArray().Select(e => e.GetString()).ToList();

    private static List<long> Ids(JsonElement list, string? property = null) =>
        list.EnumerateArray().Select(e => (property is null ? e : e.GetProperty(property)).GetInt64()).ToList();
}
