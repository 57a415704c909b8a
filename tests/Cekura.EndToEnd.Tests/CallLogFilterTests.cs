using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The call list's filters through the API (embedded host, SQLite): <c>filters_v2</c>, <c>assistant_id</c>,
/// <c>call_ids</c> (CallLog ids) and <c>search</c>, on three evaluated calls that differ in every filtered field.
/// </summary>
public sealed class CallLogFilterTests(CallLogFilterTests.Seeded seeded) : IClassFixture<CallLogFilterTests.Seeded>
{
    private HttpClient Client => seeded.Client;

    [Fact]
    public async Task Filters_v2_selects_by_metadata_fields_and_groups()
    {
        await AssertListsAsync(Filter("""{"field": "metadata.tier", "op": "eq", "value": "gold"}"""), "f-3", "f-1");
        await AssertListsAsync(Filter("""{"field": "metadata.visits", "op": "gte", "value": 5}"""), "f-2");
        await AssertListsAsync(Filter("""{"field": "metadata.visits", "op": "eq", "value": "3"}"""));
        await AssertListsAsync(Filter("""{"field": "metadata.vip", "op": "isnull", "value": true}"""), "f-2", "f-1");
        await AssertListsAsync(Filter("""{"field": "customer_number", "op": "startswith", "value": "+1555"}"""), "f-2", "f-1");
        await AssertListsAsync(Filter("""{"field": "customer_number", "op": "contains", "value": "7946"}"""), "f-3");
        await AssertListsAsync(Filter("""{"field": "call_ended_reason", "op": "in", "value": ["agent-ended-call", "silence-timed-out"]}"""), "f-3", "f-2");
        await AssertListsAsync(Filter("""{"field": "success", "op": "eq", "value": true}"""), "f-2", "f-1");
        await AssertListsAsync(Filter("""{"field": "is_reviewed", "op": "eq", "value": true}"""), "f-3");
        await AssertListsAsync(Filter("""{"field": "status", "op": "in", "value": ["failure", "reviewed_failure"]}"""), "f-3");
        await AssertListsAsync(Filter("""{"field": "duration", "op": "gt", "value": 18}"""), "f-3", "f-2", "f-1");
        await AssertListsAsync(Filter("""{"field": "duration", "op": "lt", "value": 18}"""));
        await AssertListsAsync(Filter("""{"field": "topic", "op": "isnull", "value": true}"""), "f-3", "f-2", "f-1");
        await AssertListsAsync(Filter($$"""{"field": "agent_id", "op": "eq", "value": {{seeded.AgentId}}}"""), "f-3", "f-2");
        await AssertListsAsync(Filter($$"""{"field": "timestamp", "op": "lt", "value": "{{seeded.Now.AddMinutes(-90):O}}"}"""), "f-2", "f-1");
        await AssertListsAsync(Filter("""
            {"operator": "or", "conditions": [
              {"field": "call_ended_reason", "op": "eq", "value": "silence-timed-out"},
              {"operator": "and", "conditions": [
                {"field": "metadata.tier", "op": "eq", "value": "gold"}, {"field": "metadata.visits", "op": "lt", "value": 5}]}]}
            """), "f-3", "f-1");
    }

    [Fact]
    public async Task Assistant_id_lists_that_agents_calls_and_an_unknown_one_lists_none()
    {
        await AssertListsAsync("assistant_id=asst_filters", "f-3", "f-2");
        await AssertListsAsync("assistant_id=demo-assistant", "f-1");
        await AssertListsAsync("assistant_id=asst_nobody");
        await AssertListsAsync("assistant_id=asst_filters&agent_id=1");
        await AssertListsAsync($"assistant_id=asst_filters&agent_id={seeded.AgentId}&" + Filter("""{"field": "is_reviewed", "op": "eq", "value": false}"""), "f-2");
    }

    [Fact]
    public async Task Call_ids_are_call_log_ids_and_search_matches_the_providers_call_id()
    {
        await AssertListsAsync($"call_ids={seeded.Ids["f-1"]},{seeded.Ids["f-3"]},987654", "f-3", "f-1");
        await AssertListsAsync($"call_ids={seeded.Ids["f-2"]}&" + Filter("""{"field": "metadata.tier", "op": "eq", "value": "gold"}"""));
        await AssertListsAsync("search=F-2", "f-2");

        var byCallId = await Client.GetAsync("/observability/v2/call-logs/?call_ids=f-1");
        Assert.Equal(HttpStatusCode.BadRequest, byCallId.StatusCode);
        Assert.Equal("'f-1' is not a call log id: ids are positive integers (use search to match call_id).",
            (await byCallId.ReadJsonAsync()).GetProperty("call_ids")[0].GetString());
    }

    [Fact]
    public async Task A_filtered_list_pages_with_the_filter_kept_in_the_links()
    {
        var query = Filter("""{"field": "metadata.tier", "op": "eq", "value": "gold"}""");
        var first = await (await Client.GetAsync($"/observability/v2/call-logs/?{query}&page_size=1")).ReadJsonAsync();

        Assert.Equal(2, first.GetProperty("count").GetInt64());
        Assert.Equal("f-3", first.GetProperty("results")[0].GetProperty("call_id").GetString());
        var second = await (await Client.GetAsync(new Uri(first.GetProperty("next").GetString()!).PathAndQuery)).ReadJsonAsync();
        Assert.Equal("f-1", Assert.Single(second.GetProperty("results").EnumerateArray()).GetProperty("call_id").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Bad_filters_are_400s_naming_the_parameter_and_the_problem()
    {
        var response = await Client.GetAsync("/observability/v2/call-logs/?call_ids=1,x&" + Filter("""
            {"operator": "and", "conditions": [{"field": "colour", "op": "eq", "value": "red"}, {"field": "success", "op": "gt", "value": true}]}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await response.ReadJsonAsync();
        Assert.Equal(["call_ids", "filters_v2"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal([
            "conditions[0].field: unknown field 'colour'; filterable fields: success, status, duration, customer_number, call_ended_reason, topic, dropoff_point, timestamp, is_reviewed, agent_id, metadata.<key>.",
            "conditions[1].op: 'gt' does not apply to success (true or false); use eq, neq, in, isnull.",
        ], errors.GetProperty("filters_v2").EnumerateArray().Select(e => e.GetString()));

        var notJson = await (await Client.GetAsync("/observability/v2/call-logs/?filters_v2=%7Bfield")).ReadJsonAsync();
        Assert.StartsWith("Must be valid JSON: ", notJson.GetProperty("filters_v2")[0].GetString());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_list_parameters()
    {
        var document = await (await seeded.Host.CreateClient().GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var parameters = document.GetProperty("paths").GetProperty("/observability/v2/call-logs/").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);

        foreach (var name in new[] { "page", "page_size", "timestamp_from", "timestamp_to", "agent_id", "assistant_id", "project_id", "call_ids", "search", "filters_v2" })
        {
            Assert.True(parameters.TryGetValue(name, out var parameter), $"{name} is not documented");
            Assert.Equal("query", parameter.GetProperty("in").GetString());
            Assert.False(string.IsNullOrEmpty(parameter.GetProperty("description").GetString()), $"{name} has no description");
        }
        Assert.Contains("CallLog ids", parameters["call_ids"].GetProperty("description").GetString());
    }

    private static string Filter(string json) => "filters_v2=" + Uri.EscapeDataString(json);

    private async Task AssertListsAsync(string query, params string[] expectedCallIds)
    {
        var response = await Client.GetAsync($"/observability/v2/call-logs/?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {text}");
        var page = JsonDocument.Parse(text).RootElement;
        Assert.Equal(expectedCallIds, page.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("call_id").GetString()));
        Assert.Equal(expectedCallIds.Length, page.GetProperty("count").GetInt64());
    }

    /// <summary>
    /// Three evaluated calls, an hour apart (f-3 newest): f-1 of the demo agent, f-2 and f-3 of an agent with
    /// assistant id <c>asst_filters</c>; f-3 reviewed as a failure.
    /// </summary>
    public sealed class Seeded : IAsyncLifetime
    {
        public EmbeddedHost Host { get; } = new();
        public HttpClient Client { get; private set; } = null!;
        public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;
        public long AgentId { get; private set; }
        public Dictionary<string, long> Ids { get; } = new();

        public async Task InitializeAsync()
        {
            Client = Host.CreateAuthorizedClient();
            var agent = await (await Client.PostAsJsonAsync("/test_framework/v1/aiagents/",
                new { agent_name = "Filter bot", assistant_id = "asst_filters" })).ReadJsonAsync();
            AgentId = agent.GetProperty("id").GetInt64();

            await PostAsync("f-1", 1, 3, """{"customer_id": "123", "tier": "gold", "visits": 3}""", "+15550001", "customer-ended-call");
            await PostAsync("f-2", AgentId, 2, """{"tier": "silver", "visits": 10}""", "+15550002", "agent-ended-call");
            await PostAsync("f-3", AgentId, 1, """{"tier": "gold", "vip": true}""", "+44 20 7946 0000", "silence-timed-out");
            foreach (var id in Ids.Values)
            {
                await Calls.WaitForStageAsync(Client, id, "evaluated");
            }
            var review = await Client.PatchAsJsonAsync($"/observability/v2/call-logs/{Ids["f-3"]}/", new { status = "reviewed_failure" });
            Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();

        private async Task PostAsync(string callId, long agent, int hoursAgo, string metadata, string customerNumber, string endedReason)
        {
            var body = Calls.Body(callId, agent);
            body["metadata"] = JsonNode.Parse(metadata);
            body["customer_number"] = customerNumber;
            body["call_ended_reason"] = endedReason;
            body["timestamp"] = Now.AddHours(-hoursAgo).ToString("O");
            var response = await Calls.PostCallAsync(Client, body);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            Ids[callId] = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
        }
    }
}
