using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>Agents through the embedded host: their fields and rules, PATCH/PUT/DELETE, and what their calls get from them.</summary>
public sealed class AgentsApiTests : IAsyncLifetime
{
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
    public async Task Patch_changes_only_the_fields_sent_and_the_new_redact_fields_apply_to_later_calls()
    {
        var created = await (await _client.PostAsJsonAsync("/test_framework/v1/aiagents/",
            new { agent_name = "Clinic bot", description = "Books visits", assistant_id = "asst_clinic" })).ReadJsonAsync();
        var id = created.GetProperty("id").GetInt64();

        var patched = await _client.PatchAsJsonAsync($"/test_framework/v1/aiagents/{id}/", new { redact_fields = new[] { "person_name", "ssn" } });

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var agent = await (await _client.GetAsync($"/test_framework/v1/aiagents/{id}/")).ReadJsonAsync();
        Assert.Equal(["person_name", "ssn"], agent.GetProperty("redact_fields").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Clinic bot", agent.GetProperty("agent_name").GetString());
        Assert.Equal("Books visits", agent.GetProperty("description").GetString());
        Assert.Equal("asst_clinic", agent.GetProperty("assistant_id").GetString());

        var call = await (await Calls.PostCallAsync(_client, Calls.Body("after-patch", id))).ReadJsonAsync();
        Assert.Equal(["person_name", "ssn"], call.GetProperty("redact_fields").EnumerateArray().Select(e => e.GetString()));
        var own = Calls.Body("own-list", id);
        own["redact_fields"] = new System.Text.Json.Nodes.JsonArray();
        var overridden = await (await Calls.PostCallAsync(_client, own)).ReadJsonAsync();
        Assert.Empty(overridden.GetProperty("redact_fields").EnumerateArray());
    }

    [Fact]
    public async Task Patch_refuses_bad_fields_with_400_and_unknown_agents_with_404()
    {
        var bad = await _client.PatchAsJsonAsync("/test_framework/v1/aiagents/1/", new { redact_fields = new[] { "shoe_size" }, agent_name = "" });
        var errors = await bad.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("\"shoe_size\" is not a valid choice.", errors.GetProperty("redact_fields")[0].GetString());
        Assert.Equal("This field may not be blank.", errors.GetProperty("agent_name")[0].GetString());
        Assert.Equal("Demo agent", (await (await _client.GetAsync("/test_framework/v1/aiagents/1/")).ReadJsonAsync()).GetProperty("agent_name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PatchAsJsonAsync("/test_framework/v1/aiagents/999/", new { agent_name = "x" })).StatusCode);
        Assert.Equal(JsonValueKind.Object, errors.ValueKind);
    }

    [Fact]
    public async Task An_agents_rubric_decides_the_success_and_status_of_its_calls()
    {
        // Calls.Body's latency is 1530 ms (gaps of 1.16 s and 1.90 s): a 1000 ms ceiling fails it, 2000 ms passes it.
        var strict = await CreateAgentAsync("Strict bot", new { rules = new object[] { new { metric = 1, @operator = "lte", value = 1000 } } });
        var lenient = await CreateAgentAsync("Lenient bot", new
        {
            @operator = "or",
            rules = new object[] { new { metric = 1, @operator = "lte", value = 1000 }, new { metric = 11, @operator = "eq", value = true } },
        });

        var failed = await EvaluatedAsync("rubric-strict", strict);
        var passed = await EvaluatedAsync("rubric-lenient", lenient);

        Assert.False(failed.GetProperty("success").GetBoolean());
        Assert.Equal("failure", failed.GetProperty("status").GetString());
        Assert.True(passed.GetProperty("success").GetBoolean());
        Assert.Equal("success", passed.GetProperty("status").GetString());
        var agent = await (await _client.GetAsync($"/test_framework/v1/aiagents/{strict}/")).ReadJsonAsync();
        Assert.Equal("lte", agent.GetProperty("rubric").GetProperty("rules")[0].GetProperty("operator").GetString());
    }

    [Fact]
    public async Task A_rubric_that_names_an_unknown_metric_or_compares_text_with_lt_is_a_400()
    {
        var response = await _client.PatchAsJsonAsync("/test_framework/v1/aiagents/1/", new
        {
            rubric = new { @operator = "xor", rules = new object[] { new { metric = 999, @operator = "lte", value = 1 }, new { metric = 12, @operator = "lt", value = "customer_ended" } } },
        });
        var errors = (await response.ReadJsonAsync()).GetProperty("rubric").EnumerateArray().Select(e => e.GetString()).ToList();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("operator must be \"and\" or \"or\".", errors);
        Assert.Contains(errors, e => e!.StartsWith("rule 0: metric must be the id of a predefined metric", StringComparison.Ordinal));
        Assert.Contains("rule 1: lt compares numbers; use eq or neq for true/false and strings.", errors);
    }

    [Fact]
    public async Task Create_shows_metrics_nodes_webhook_and_thresholds_and_never_the_secrets()
    {
        var metric = await CreateMetricAsync();
        var created = await SendAsync(HttpMethod.Post, Agents, $$"""
            {"agent_name": "Full bot", "metrics": [{{metric}}, "{{metric}}"],
             "topic_nodes": [{"name": "Booking", "description": "Wants a table"}, {"name": "Hours"}],
             "dropoff_nodes": [{"name": "Greeting", "description": "Before the first question"}],
             "webhook_url": "https://hooks.example/cekura", "webhook_secret": "whsec_123", "provider_webhook_secret": "vapi_1",
             "silence_duration": 7.5, "infra_issues_timeout": "12", "provider": {"redact_fields": ["ssn"]} }
            """, HttpStatusCode.Created);

        var shown = await SendAsync(HttpMethod.Get, $"{Agents}{created.GetProperty("id").GetInt64()}/", null);
        Assert.Equal(created.ToString(), shown.ToString());
        Assert.Equal([metric], shown.GetProperty("metrics").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("""[{"name":"Booking","description":"Wants a table"},{"name":"Hours","description":""}]""",
            shown.GetProperty("topic_nodes").GetRawText());
        Assert.Equal("Greeting", shown.GetProperty("dropoff_nodes")[0].GetProperty("name").GetString());
        Assert.Equal("https://hooks.example/cekura", shown.GetProperty("webhook_url").GetString());
        Assert.True(shown.GetProperty("has_webhook_secret").GetBoolean());
        Assert.True(shown.GetProperty("has_provider_webhook_secret").GetBoolean());
        Assert.Equal(7.5, shown.GetProperty("silence_duration").GetDouble());
        Assert.Equal(12, shown.GetProperty("infra_issues_timeout").GetDouble());
        Assert.Equal(["ssn"], shown.GetProperty("redact_fields").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("whsec_123", shown.GetRawText());
        Assert.DoesNotContain("vapi_1", shown.GetRawText());
        Assert.False(shown.TryGetProperty("webhook_secret", out _));

        // Left out, the new fields have their defaults (null thresholds mean metrics.md's 10 s).
        var bare = await SendAsync(HttpMethod.Get, $"{Agents}1/", null);
        Assert.Empty(bare.GetProperty("metrics").EnumerateArray());
        Assert.Empty(bare.GetProperty("topic_nodes").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("webhook_url").ValueKind);
        Assert.False(bare.GetProperty("has_webhook_secret").GetBoolean());
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("silence_duration").ValueKind);
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("infra_issues_timeout").ValueKind);
    }

    public static TheoryData<string, string, string> BadAgentFields() => new()
    {
        { """{"topic_nodes": [{"name": "A"}, {"name": " a "}]}""", "topic_nodes", "item 1: the name \"a\" is used twice; names must be unique." },
        { """{"topic_nodes": [{"description": "no name"}]}""", "topic_nodes", "item 0: name: This field is required." },
        { """{"dropoff_nodes": [{"name": ""}]}""", "dropoff_nodes", "item 0: name: This field may not be blank." },
        { """{"dropoff_nodes": ["Greeting"]}""", "dropoff_nodes", "item 0: expected an object {\"name\", \"description\"}." },
        { """{"dropoff_nodes": {"name": "x"}}""", "dropoff_nodes", "Expected a list of {\"name\", \"description\"} objects." },
        { $$"""{"topic_nodes": [{"name": "{{new string('t', 256)}}"}]}""", "topic_nodes", "item 0: name: Ensure this field has no more than 255 characters." },
        { $$"""{"topic_nodes": [{{string.Join(",", Enumerable.Range(0, 101).Select(i => $"{{\"name\": \"t{i}\"}}"))}}]}""", "topic_nodes", "Ensure this field has no more than 100 elements." },
        { """{"webhook_url": "ftp://hooks.example/x"}""", "webhook_url", "Enter a valid absolute http or https URL." },
        { """{"webhook_url": "/relative/path"}""", "webhook_url", "Enter a valid absolute http or https URL." },
        { """{"webhook_url": 5}""", "webhook_url", "Not a valid string." },
        { """{"webhook_secret": ["x"]}""", "webhook_secret", "Not a valid string." },
        { """{"silence_duration": 0}""", "silence_duration", "Must be a number of seconds greater than 0 and at most 3600." },
        { """{"silence_duration": -2}""", "silence_duration", "Must be a number of seconds greater than 0 and at most 3600." },
        { """{"infra_issues_timeout": "soon"}""", "infra_issues_timeout", "A valid number is required." },
        { """{"infra_issues_timeout": 100000}""", "infra_issues_timeout", "Must be a number of seconds greater than 0 and at most 3600." },
        { """{"metrics": [987654]}""", "metrics", "metric 987654 does not exist in this project" },
        { """{"metrics": [1]}""", "metrics", "metric 1 is predefined: predefined metrics run on every call and are not enabled per agent" },
        { """{"metrics": ["x"]}""", "metrics", "Incorrect type. Expected pk value, received \"x\"." },
        { """{"metrics": "1001"}""", "metrics", "Expected a list of ids but got type \"str\"." },
        { """{"redact_fields": ["ssn"], "provider": {"redact_fields": ["person_name"]}}""", "redact_fields", "Give redact_fields or provider.redact_fields, not both with different values." },
        { """{"provider": {"redact_fields": ["shoe_size"]}}""", "redact_fields", "\"shoe_size\" is not a valid choice." },
    };

    [Theory]
    [MemberData(nameof(BadAgentFields))]
    public async Task A_bad_agent_field_is_a_400_naming_it_on_create_patch_and_put(string fields, string field, string message)
    {
        var withName = fields.Insert(1, "\"agent_name\": \"Bad bot\", ");
        foreach (var (method, path, body) in new[] { (HttpMethod.Post, Agents, withName), (HttpMethod.Patch, $"{Agents}1/", fields), (HttpMethod.Put, $"{Agents}1/", withName) })
        {
            var errors = await SendAsync(method, path, body, HttpStatusCode.BadRequest);
            Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
            Assert.Contains(message, errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()));
        }
        Assert.Equal(1, (await SendAsync(HttpMethod.Get, Agents, null)).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Put_replaces_every_field_but_keeps_write_only_secrets_unless_sent()
    {
        var metric = await CreateMetricAsync();
        var id = (await SendAsync(HttpMethod.Post, Agents, $$"""
            {"agent_name": "Old", "description": "Old text", "assistant_id": "asst_put", "redact_fields": ["ssn"],
             "metrics": [{{metric}}], "topic_nodes": [{"name": "T"}], "webhook_url": "https://a.example/h", "webhook_secret": "s1",
             "provider_webhook_secret": "p1", "silence_duration": 3}
            """, HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var replaced = await SendAsync(HttpMethod.Put, $"{Agents}{id}/", """{"agent_name": "New", "provider": {"redact_fields": ["person_name"]}}""");

        Assert.Equal("New", replaced.GetProperty("agent_name").GetString());
        Assert.Equal("", replaced.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("assistant_id").ValueKind);
        Assert.Equal(["person_name"], replaced.GetProperty("redact_fields").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(replaced.GetProperty("metrics").EnumerateArray());
        Assert.Empty(replaced.GetProperty("topic_nodes").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("webhook_url").ValueKind);
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("silence_duration").ValueKind);
        Assert.True(replaced.GetProperty("has_webhook_secret").GetBoolean());
        Assert.True(replaced.GetProperty("has_provider_webhook_secret").GetBoolean());
        Assert.Empty((await SendAsync(HttpMethod.Get, $"/test_framework/v1/metrics/{metric}/", null)).GetProperty("agents").EnumerateArray());

        var cleared = await SendAsync(HttpMethod.Put, $"{Agents}{id}/", """{"agent_name": "New", "webhook_secret": null, "provider_webhook_secret": ""}""");
        Assert.False(cleared.GetProperty("has_webhook_secret").GetBoolean());
        Assert.False(cleared.GetProperty("has_provider_webhook_secret").GetBoolean());

        var errors = await SendAsync(HttpMethod.Put, $"{Agents}{id}/", """{"description": "no name"}""", HttpStatusCode.BadRequest);
        Assert.Equal(["This field is required."], errors.GetProperty("agent_name").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PutAsJsonAsync($"{Agents}987654/", new { agent_name = "x" })).StatusCode);
        // PUT keeps assistant ids unique in the project too.
        var taken = await SendAsync(HttpMethod.Put, $"{Agents}{id}/", """{"agent_name": "New", "assistant_id": "demo-assistant"}""", HttpStatusCode.BadRequest);
        Assert.True(taken.TryGetProperty("assistant_id", out _), taken.ToString());
    }

    [Fact]
    public async Task Patch_accepts_the_nested_provider_redact_fields()
    {
        var patched = await SendAsync(HttpMethod.Patch, $"{Agents}1/", """{"provider": {"redact_fields": ["email_address"]}}""");
        Assert.Equal(["email_address"], patched.GetProperty("redact_fields").EnumerateArray().Select(e => e.GetString()));

        // A provider object without redact_fields changes nothing.
        var unchanged = await SendAsync(HttpMethod.Patch, $"{Agents}1/", """{"provider": {"name": "vapi"}}""");
        Assert.Equal(["email_address"], unchanged.GetProperty("redact_fields").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Delete_keeps_the_agents_calls_and_later_calls_naming_it_are_400_as_for_an_unknown_agent()
    {
        var id = (await SendAsync(HttpMethod.Post, Agents, """{"agent_name": "Short-lived bot", "assistant_id": "asst_gone"}""", HttpStatusCode.Created))
            .GetProperty("id").GetInt64();
        var call = await EvaluatedAsync("before-delete", id);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{Agents}{id}/")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"{Agents}{id}/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"{Agents}{id}/")).StatusCode);
        var kept = await SendAsync(HttpMethod.Get, $"/observability/v2/call-logs/{call.GetProperty("id").GetInt64()}/", null);
        Assert.Equal(id, kept.GetProperty("agent").GetInt64());
        Assert.Equal("Short-lived bot", kept.GetProperty("agent_name").GetString());

        var byId = await SendAsync(HttpMethod.Post, "/observability/v1/observe/", Calls.Body("after-delete", id).ToJsonString(), HttpStatusCode.BadRequest);
        Assert.Equal($"Invalid pk \"{id}\" - object does not exist.", byId.GetProperty("agent")[0].GetString());
        var body = Calls.Body("after-delete-assistant");
        body.Remove("agent");
        body["assistant_id"] = "asst_gone";
        var byAssistant = await SendAsync(HttpMethod.Post, "/observability/v1/observe/", body.ToJsonString(), HttpStatusCode.BadRequest);
        Assert.Equal("No agent with assistant_id \"asst_gone\" in this project.", byAssistant.GetProperty("assistant_id")[0].GetString());
    }

    private async Task<long> CreateMetricAsync() =>
        (await SendAsync(HttpMethod.Post, "/test_framework/v1/metrics/",
            """{"name": "Booked", "type": "llm_judge", "eval_type": "binary", "prompt": "Did the agent book a table?"}""",
            HttpStatusCode.Created)).GetProperty("id").GetInt64();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task A_rubric_may_rule_on_the_projects_own_metrics_and_refuses_ones_it_does_not_have()
    {
        var metric = await (await _client.PostAsJsonAsync("/test_framework/v1/metrics/", new
        {
            name = "Said goodbye", type = "custom_code", eval_type = "binary",
            custom_code = "_result = data.transcript_json.some(t => /goodbye/i.test(t.content)); _explanation = 'looked for goodbye';",
        })).ReadJsonAsync();
        var id = metric.GetProperty("id").GetInt64();

        var unknown = await _client.PostAsJsonAsync("/test_framework/v1/aiagents/", new
        {
            agent_name = "Unknown metric bot", rubric = new { rules = new object[] { new { metric = id + 100, @operator = "eq", value = true } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal($"rule 0: metric {id + 100} does not exist in this project.", (await unknown.ReadJsonAsync()).GetProperty("rubric")[0].GetString());

        var response = await _client.PostAsJsonAsync("/test_framework/v1/aiagents/", new
        {
            agent_name = "Goodbye bot", metrics = new[] { id }, rubric = new { rules = new object[] { new { metric = id, @operator = "eq", value = true } } },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var call = await EvaluatedAsync("rubric-custom", (await response.ReadJsonAsync()).GetProperty("id").GetInt64());

        var result = call.GetProperty("evaluation").GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("id").GetInt64() == id);
        Assert.False(result.GetProperty("value").GetBoolean());
        Assert.False(call.GetProperty("success").GetBoolean());
        Assert.Equal("failure", call.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_webhook_token_needs_the_providers_secret_and_is_shown_once_with_the_ready_urls()
    {
        var id = (await SendAsync(HttpMethod.Post, Agents, """{"agent_name": "Retell bot", "assistant_id": "agent_r1"}""",
            HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var refused = await SendAsync(HttpMethod.Post, $"{Agents}{id}/webhook_token/", null, HttpStatusCode.BadRequest);
        Assert.StartsWith("Set the agent's provider_webhook_secret first: a tokened webhook URL carries no API key",
            refused.GetProperty("provider_webhook_secret")[0].GetString());
        await SendAsync(HttpMethod.Patch, $"{Agents}{id}/", """{"provider_webhook_secret": "key_retell"}""");

        var response = await _client.PostAsync($"{Agents}{id}/webhook_token/", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var created = await response.ReadJsonAsync();
        var token = created.GetProperty("token").GetString()!;
        Assert.Matches("^ck_hook_[A-Za-z0-9]{40}$", token);
        Assert.Equal(token[..16], created.GetProperty("prefix").GetString());
        Assert.Equal(id, created.GetProperty("agent").GetInt64());
        Assert.False(created.GetProperty("rotated").GetBoolean());
        var urls = created.GetProperty("webhook_urls").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(["elevenlabs", "retell", "vapi"], urls.Keys.Order());
        Assert.Equal($"http://localhost/observability/v1/retell/observe/t/{token}/", urls["retell"]);
        Assert.Equal($"http://localhost/observability/v1/elevenlabs/observe/t/{token}/", urls["elevenlabs"]);

        // Afterwards only the prefix is shown, and only the hash is stored: no file of the installation holds the token.
        var agent = await SendAsync(HttpMethod.Get, $"{Agents}{id}/", null);
        Assert.True(agent.GetProperty("has_webhook_token").GetBoolean());
        Assert.Equal(token[..16], agent.GetProperty("webhook_token_prefix").GetString());
        Assert.DoesNotContain(token, agent.GetRawText());
        Assert.DoesNotContain(token, (await SendAsync(HttpMethod.Get, Agents, null)).GetRawText());
        var stored = await _host.Services.GetRequiredService<IAgentStore>().GetAsync(1, id, CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), stored!.WebhookTokenHash);
        foreach (var file in Directory.GetFiles(_host.DataDirectory, "*", SearchOption.AllDirectories))
        {
            using var open = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(open, Encoding.Latin1);
            Assert.False((await reader.ReadToEndAsync()).Contains(token[16..]), $"{file} holds the token");
        }
    }

    [Fact]
    public async Task Rotating_replaces_the_token_revoking_removes_it_and_agent_changes_keep_it()
    {
        var id = (await SendAsync(HttpMethod.Post, Agents, """{"agent_name": "ElevenLabs bot", "provider_webhook_secret": "wsec_1"}""",
            HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var store = _host.Services.GetRequiredService<IAgentStore>();
        var first = (await SendAsync(HttpMethod.Post, $"{Agents}{id}/webhook_token/", null, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        var rotated = await SendAsync(HttpMethod.Post, $"{Agents}{id}/webhook_token/", null, HttpStatusCode.Created);
        var second = rotated.GetProperty("token").GetString()!;
        Assert.True(rotated.GetProperty("rotated").GetBoolean());
        Assert.NotEqual(first, second);
        Assert.Null(await store.FindByWebhookTokenAsync(WebhookTokens.HashHex(first), CancellationToken.None));
        Assert.Equal(id, (await store.FindByWebhookTokenAsync(WebhookTokens.HashHex(second), CancellationToken.None))!.Id);

        // PATCH and PUT (which replaces every other field) leave the token alone.
        await SendAsync(HttpMethod.Patch, $"{Agents}{id}/", """{"agent_name": "Renamed bot"}""");
        var put = await SendAsync(HttpMethod.Put, $"{Agents}{id}/", """{"agent_name": "Replaced bot"}""");
        Assert.True(put.GetProperty("has_webhook_token").GetBoolean());
        Assert.Equal(second[..16], put.GetProperty("webhook_token_prefix").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{Agents}{id}/webhook_token/")).StatusCode);
        var revoked = await SendAsync(HttpMethod.Get, $"{Agents}{id}/", null);
        Assert.False(revoked.GetProperty("has_webhook_token").GetBoolean());
        Assert.Equal(JsonValueKind.Null, revoked.GetProperty("webhook_token_prefix").ValueKind);
        Assert.Null(await store.FindByWebhookTokenAsync(WebhookTokens.HashHex(second), CancellationToken.None));
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"{Agents}{id}/webhook_token/")).StatusCode);

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete })
        {
            var missing = await SendAsync(method, $"{Agents}987654/webhook_token/", null, HttpStatusCode.NotFound);
            Assert.Equal("Not found.", missing.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Webhook_urls_use_the_public_base_url_when_one_is_set()
    {
        await using var host = new EmbeddedHost(new Dictionary<string, string?> { ["Cekura:PublicBaseUrl"] = "https://calls.example.com/" });
        var client = host.CreateAuthorizedClient();
        var agent = await (await client.PostAsJsonAsync(Agents, new { agent_name = "Bot", provider_webhook_secret = "s" })).ReadJsonAsync();

        var created = await (await client.PostAsync($"{Agents}{agent.GetProperty("id").GetInt64()}/webhook_token/", null)).ReadJsonAsync();

        var token = created.GetProperty("token").GetString();
        Assert.Equal($"https://calls.example.com/observability/v1/retell/observe/t/{token}/",
            created.GetProperty("webhook_urls").GetProperty("retell").GetString());
    }

    [Fact]
    public async Task Without_a_public_base_url_webhook_urls_use_the_request_origin_and_ignore_a_clients_forwarded_headers()
    {
        var id = (await SendAsync(HttpMethod.Post, Agents, """{"agent_name": "Bot", "provider_webhook_secret": "s"}""", HttpStatusCode.Created))
            .GetProperty("id").GetInt64();
        // Forwarded headers from a client (not from our gateway in another process) must not steer the URL; the
        // distributed deployment test shows the gateway's own origin is used there.
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Agents}{id}/webhook_token/");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "evil.example.org:8443");
        request.Headers.Add("X-Forwarded-Prefix", "/phish");

        var created = await (await _client.SendAsync(request)).ReadJsonAsync();

        Assert.Equal($"{_client.BaseAddress!.ToString().TrimEnd('/')}/observability/v1/elevenlabs/observe/t/{created.GetProperty("token").GetString()}/",
            created.GetProperty("webhook_urls").GetProperty("elevenlabs").GetString());
    }

    private async Task<long> CreateAgentAsync(string name, object rubric)
    {
        var response = await _client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = name, rubric });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> EvaluatedAsync(string callId, long agent)
    {
        var created = await (await Calls.PostCallAsync(_client, Calls.Body(callId, agent))).ReadJsonAsync();
        var done = await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");
        Assert.True(done.GetProperty("processing_stage").GetString() == "evaluated", done.ToString());
        return done;
    }
}
