using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests;

/// <summary>Changing an agent: its default redaction list applies to calls that send none of their own.</summary>
public sealed class AgentsApiTests : IAsyncLifetime
{
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
