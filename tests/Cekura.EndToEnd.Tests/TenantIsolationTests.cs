using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Tenancy;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Gateway.ApiKeys;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// Tenant isolation, endpoint by endpoint. Tenant A (the bootstrap key, project 1) owns an agent, a metric enabled on
/// it, a call with a recording and a call from a provider webhook; another tenant's key, with A's ids in hand, must
/// never read, filter by, reference or change them. Each case gets a fresh second tenant, so cases that let it store things (reusing
/// A's call_id or assistant_id) cannot change what the others see.
/// </summary>
public sealed class TenantIsolationTests(TenantIsolationTests.TenantA a) : IClassFixture<TenantIsolationTests.TenantA>
{
    /// <summary>
    /// Every endpoint of the API with what another tenant gets from it. Mapping an endpoint under /observability or
    /// /test_framework without a row here fails <see cref="Every_tenant_scoped_endpoint_has_an_isolation_case"/>.
    /// </summary>
    private static readonly IsolationCase[] Cases =
    [
        new("POST", "/observability/v1/observe/", "send_call_naming_As_agent_is_400_and_stores_nothing", SendCallNamingAsAgent),
        new("POST", "/observability/v1/observe/", "send_call_naming_As_assistant_id_is_400_and_stores_nothing", SendCallNamingAsAssistant),
        new("POST", "/observability/v1/observe/", "send_call_may_reuse_As_call_id", SendCallReusingAsCallId),
        new("GET", "/observability/v2/call-logs/", "call_log_list_shows_none_of_As_calls_under_any_filter", CallLogList),
        new("GET", "/observability/v2/call-logs/{id:long}/", "call_log_detail_of_As_call_is_404", CallLogDetail),
        new("GET", "/observability/v2/call-logs/{id:long}/recording/", "recording_of_As_call_is_404", Recording),
        new("GET", "/observability/v1/call-logs/{id:long}/trace/", "trace_of_As_call_is_404", CallTrace),
        new("PATCH", "/observability/v2/call-logs/{id:long}/", "call_log_patch_of_As_call_is_404", CallLogPatch),
        new("DELETE", "/observability/v1/call-logs/{id:long}/", "call_log_delete_of_As_call_is_404", CallLogDelete),
        new("POST", "/observability/v1/call-logs/delete_call_logs/", "bulk_delete_naming_As_calls_deletes_nothing", CallLogBulkDelete),
        new("POST", "/observability/v1/call-logs/evaluate_metrics/", "evaluate_metrics_on_As_call_is_400_like_an_unknown_id", EvaluateMetrics),
        new("POST", "/observability/v1/call-logs/rerun_evaluation/", "rerun_evaluation_of_As_calls_or_agent_is_400", RerunEvaluation),
        new("POST", "/test_framework/v1/aiagents/", "agent_may_reuse_As_assistant_id_and_resolves_to_its_own", CreateAgentReusingAsAssistant),
        new("GET", "/test_framework/v1/aiagents/", "agent_list_shows_none_of_As_agents", AgentList),
        new("GET", "/test_framework/v1/aiagents/{id:long}/", "agent_detail_of_As_agent_is_404", AgentDetail),
        new("PATCH", "/test_framework/v1/aiagents/{id:long}/", "agent_patch_of_As_agent_is_404", AgentPatch),
        new("PUT", "/test_framework/v1/aiagents/{id:long}/", "agent_put_of_As_agent_is_404", AgentPut),
        new("DELETE", "/test_framework/v1/aiagents/{id:long}/", "agent_delete_of_As_agent_is_404", AgentDelete),
        new("POST", "/test_framework/v1/aiagents/", "agent_enabling_As_metric_is_400_and_stores_nothing", AgentNamingAsMetric),
        new("POST", "/test_framework/v1/metrics/", "metric_enabled_on_As_agent_is_400_and_stores_nothing", MetricNamingAsAgent),
        new("GET", "/test_framework/v1/metrics/", "metric_list_shows_none_of_As_metrics_under_any_filter", MetricList),
        new("GET", "/test_framework/v1/metrics/{id:long}/", "metric_detail_of_As_metric_is_404", MetricDetail),
        new("PATCH", "/test_framework/v1/metrics/{id:long}/", "metric_patch_of_As_metric_is_404_and_own_metric_cannot_enable_on_As_agent", MetricPatch),
        new("PUT", "/test_framework/v1/metrics/{id:long}/", "metric_put_of_As_metric_is_404", MetricPut),
        new("DELETE", "/test_framework/v1/metrics/{id:long}/", "metric_delete_of_As_metric_is_404", MetricDelete),
        new("GET", "/test_framework/v1/predefined-metrics-external/", "predefined_metrics_are_the_same_catalogue_for_every_tenant", PredefinedMetricList),
        new("POST", "/observability/v1/observe/", "send_call_naming_As_metric_is_400_and_stores_nothing", SendCallNamingAsMetric),
        new("POST", "/observability/v1/{provider}/observe/", "webhook_naming_As_agent_is_400", WebhookNamingAsAgent),
        new("POST", "/observability/v1/{provider}/observe/", "webhook_naming_As_assistant_is_400", WebhookNamingAsAssistant),
        new("POST", "/observability/v1/{provider}/observe/", "webhook_reusing_As_provider_call_id_makes_a_new_call", WebhookReusingAsCallId),
        new("POST", "/observability/v1/{provider}/observe/", "webhook_recording_for_As_call_is_404", WebhookRecordingForAsCall),
        new("POST", "/test_framework/v1/aiagents/{id:long}/webhook_token/", "webhook_token_of_As_agent_cannot_be_created_or_rotated", WebhookTokenCreate),
        new("DELETE", "/test_framework/v1/aiagents/{id:long}/webhook_token/", "webhook_token_of_As_agent_cannot_be_revoked", WebhookTokenRevoke),
        new("POST", "/observability/v1/{provider}/observe/t/{token}/", "As_tokened_url_without_As_signature_is_401_whatever_key_or_headers_come_with_it", TokenedUrlOfA),
        new("POST", "/observability/v1/{provider}/observe/t/{token}/", "Bs_tokened_url_files_under_Bs_agent_and_never_reaches_As_calls", TokenedUrlOfB),
        new("GET", "/openapi/{documentName}.json", "openapi_document_is_public_and_carries_no_tenant_data", OpenApiDocument),
        new("GET", "/admin/v1/projects/{id:long}/", "admin_project_view_needs_the_admin_key", AdminProjectRead),
        new("PATCH", "/admin/v1/projects/{id:long}/", "admin_project_retention_cannot_be_set_with_a_tenant_key", AdminProjectPatch),
    ];

    private static readonly string[] ScopedPrefixes = ["/observability", "/test_framework"];

    public static TheoryData<string, bool> CaseNames()
    {
        var data = new TheoryData<string, bool>();
        foreach (var c in Cases)
        {
            data.Add(c.Name, false);
            data.Add(c.Name, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Another_tenants_key_never_reaches_tenant_As_data(string isolationCase, bool spoofingAsTenantHeaders)
    {
        var other = await a.NewTenantAsync(spoofingAsTenantHeaders);
        await Cases.Single(c => c.Name == isolationCase).Run(a, other);
        await a.AssertUnchangedAsync();
    }

    [Fact]
    public void Every_tenant_scoped_endpoint_has_an_isolation_case()
    {
        var mapped = a.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => ScopedPrefixes.Any(p => e.RoutePattern.RawText?.StartsWith(p, StringComparison.Ordinal) == true))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();
        var covered = Cases.Where(c => ScopedPrefixes.Any(p => c.Route.StartsWith(p, StringComparison.Ordinal)))
            .Select(c => $"{c.Method} {c.Route}")
            .ToHashSet();

        Assert.NotEmpty(mapped);
        Assert.True(mapped.Except(covered).ToList() is [], $"Endpoints without an isolation case: {string.Join(", ", mapped.Except(covered))}");
        Assert.True(covered.Except(mapped).ToList() is [], $"Isolation cases for endpoints that are not mapped: {string.Join(", ", covered.Except(mapped))}");
    }

    private static async Task SendCallNamingAsAgent(TenantA a, OtherTenant b)
    {
        foreach (var agent in new[] { a.AgentId, TenantA.DemoAgentId })
        {
            var response = await Calls.PostCallAsync(b.Client, Calls.Body("b-names-a-agent", agent));
            var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, response);
            Assert.Equal($"Invalid pk \"{agent}\" - object does not exist.", errors.GetProperty("agent")[0].GetString());
        }

        // With a valid recording too: the upload must not be kept under either project.
        using var form = Multipart(Calls.Body("b-names-a-agent-multipart", a.AgentId), Wav.Tone(0.5));
        var multipart = await b.Client.PostAsync("/observability/v1/observe/", form);
        Assert.True((await AssertStatusAsync(HttpStatusCode.BadRequest, multipart)).TryGetProperty("agent", out _));
        await AssertStoresNothingAsync(a, b);
    }

    private static async Task SendCallNamingAsAssistant(TenantA a, OtherTenant b)
    {
        foreach (var assistant in new[] { TenantA.AssistantId, TenantA.DemoAssistantId })
        {
            var body = Calls.Body("b-names-a-assistant");
            body.Remove("agent");
            body["assistant_id"] = assistant;
            var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, await Calls.PostCallAsync(b.Client, body));
            Assert.Equal($"No agent with assistant_id \"{assistant}\" in this project.", errors.GetProperty("assistant_id")[0].GetString());
        }
        await AssertStoresNothingAsync(a, b);
    }

    private static async Task SendCallReusingAsCallId(TenantA a, OtherTenant b)
    {
        var agent = await b.CreateAgentAsync("B bot", assistantId: null);
        var created = await AssertStatusAsync(HttpStatusCode.Created, await Calls.PostCallAsync(b.Client, Calls.Body(TenantA.CallIdText, agent)));
        var id = created.GetProperty("id").GetInt64();
        Assert.NotEqual(a.CallId, id);
        Assert.Equal(agent, created.GetProperty("agent").GetInt64());

        // Dedupe still works inside B's project, and names B's call.
        var again = await AssertStatusAsync(HttpStatusCode.Conflict, await Calls.PostCallAsync(b.Client, Calls.Body(TenantA.CallIdText, agent)));
        Assert.Equal(id, again.GetProperty("id").GetInt64());
        var mine = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync($"/observability/v2/call-logs/?search={TenantA.CallIdText}"));
        Assert.Equal(id, Assert.Single(mine.GetProperty("results").EnumerateArray()).GetProperty("id").GetInt64());
        // B's filters reach B's call like any other: what A's isolation cases see as empty is not an empty store.
        var byMetadata = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync(
            "/observability/v2/call-logs/?filters_v2=" + Uri.EscapeDataString("""{"field": "metadata.customer_id", "op": "eq", "value": "123"}""")));
        Assert.Equal(id, Assert.Single(byMetadata.GetProperty("results").EnumerateArray()).GetProperty("id").GetInt64());
        await Calls.WaitForStageAsync(b.Client, id, "evaluated");
    }

    private static async Task CallLogList(TenantA a, OtherTenant b)
    {
        var from = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var to = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        static string Filter(string json) => "filters_v2=" + Uri.EscapeDataString(json);
        foreach (var query in new[]
                 {
                     "", "page_size=100", $"timestamp_from={from}&timestamp_to={to}", $"agent_id={a.AgentId}",
                     $"agent_id={TenantA.DemoAgentId}", $"call_ids={a.CallId},{a.WebhookCallId}", $"call_ids={a.CallId}&agent_id={a.AgentId}",
                     "search=a-", $"search={TenantA.CallIdText}", $"search={TenantA.ConversationId}", $"project_id={b.ProjectId}",
                     $"assistant_id={TenantA.AssistantId}", $"assistant_id={TenantA.DemoAssistantId}",
                     Filter("""{"field": "metadata.customer_id", "op": "eq", "value": "123"}"""),
                     Filter("""{"field": "metadata.customer_id", "op": "isnull", "value": false}"""),
                     Filter("""{"field": "metadata.customer_id", "op": "neq", "value": "nobody"}"""),
                     Filter($$"""{"field": "agent_id", "op": "in", "value": [{{a.AgentId}}, {{TenantA.DemoAgentId}}]}"""),
                     Filter("""{"field": "success", "op": "isnull", "value": false}"""),
                     Filter("""{"field": "call_ended_reason", "op": "startswith", "value": "customer"}"""),
                     Filter("""{"operator": "or", "conditions": [{"field": "is_reviewed", "op": "eq", "value": false}, {"field": "duration", "op": "gte", "value": 0}]}"""),
                     $"call_ids={a.CallId}&" + Filter("""{"field": "metadata.customer_id", "op": "eq", "value": "123"}"""),
                 })
        {
            var page = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync($"/observability/v2/call-logs/?{query}"));
            Assert.Equal(0, page.GetProperty("count").GetInt64());
            Assert.Empty(page.GetProperty("results").EnumerateArray());
        }
        await AssertNotFoundAsync(await b.Client.GetAsync("/observability/v2/call-logs/?project_id=1"));
        await AssertNotFoundAsync(await b.Client.GetAsync($"/observability/v2/call-logs/?project_id=1&call_ids={a.CallId}"));
    }

    private static async Task CallLogDetail(TenantA a, OtherTenant b)
    {
        await AssertNotFoundAsync(await b.Client.GetAsync($"/observability/v2/call-logs/{a.CallId}/"));
        await AssertNotFoundAsync(await b.Client.GetAsync($"/observability/v2/call-logs/{a.WebhookCallId}/"));
        // The same answer as for an id nobody has, so the 404 does not confirm that A's call exists.
        await AssertNotFoundAsync(await b.Client.GetAsync("/observability/v2/call-logs/987654/"));
    }

    private static async Task CallTrace(TenantA a, OtherTenant b)
    {
        await AssertNotFoundAsync(await b.Client.GetAsync($"/observability/v1/call-logs/{a.CallId}/trace/"));
        await AssertNotFoundAsync(await b.Client.GetAsync($"/observability/v1/call-logs/{a.WebhookCallId}/trace/"));
        await AssertNotFoundAsync(await b.Client.GetAsync("/observability/v1/call-logs/987654/trace/"));
    }

    private static async Task Recording(TenantA a, OtherTenant b)
    {
        await AssertNotFoundAsync(await b.Client.GetAsync(new Uri(a.RecordingUrl).PathAndQuery));
        await AssertNotFoundAsync(await b.Client.GetAsync($"/observability/v2/call-logs/{a.WebhookCallId}/recording/"));
    }

    private static async Task CallLogPatch(TenantA a, OtherTenant b)
    {
        foreach (var id in new[] { a.CallId, a.WebhookCallId, 987654 })
        {
            await AssertNotFoundAsync(await b.Client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/",
                new { status = "reviewed_failure", feedback = "B was here", metadata = new { b = 1 } }));
            // Nor can B replace A's transcript (which would send A's call through the chain again).
            await AssertNotFoundAsync(await b.Client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/",
                new { transcript_json = new[] { new { role = "Main Agent", content = "B was here", start_time = 0.1, end_time = 0.5 } } }));
        }
    }

    /// <summary>The admin API answers only its own key: a tenant's key, spoofed headers or not, neither reads nor sets A's project.</summary>
    private static async Task AdminProjectRead(TenantA a, OtherTenant b)
    {
        await AssertStatusAsync(HttpStatusCode.Unauthorized, await b.Client.GetAsync("/admin/v1/projects/1/"));
        await AssertStatusAsync(HttpStatusCode.Unauthorized, await b.Client.GetAsync($"/admin/v1/projects/{b.ProjectId}/"));
    }

    private static async Task AdminProjectPatch(TenantA a, OtherTenant b)
    {
        await AssertStatusAsync(HttpStatusCode.Unauthorized, await b.Client.PatchAsJsonAsync("/admin/v1/projects/1/", new { retention_days = 1 }));
        var project = await a.Host.Services.GetRequiredService<ITenancyStore>().GetProjectAsync(1, CancellationToken.None);
        Assert.Null(project!.RetentionDays);
    }

    private static async Task CallLogDelete(TenantA a, OtherTenant b)
    {
        foreach (var id in new[] { a.CallId, a.WebhookCallId, 987654 })
        {
            await AssertNotFoundAsync(await b.Client.DeleteAsync($"/observability/v1/call-logs/{id}/"));
        }
    }

    private static async Task CallLogBulkDelete(TenantA a, OtherTenant b)
    {
        var response = await b.Client.PostAsJsonAsync("/observability/v1/call-logs/delete_call_logs/",
            new { call_logs = new[] { a.CallId, a.WebhookCallId } });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task EvaluateMetrics(TenantA a, OtherTenant b)
    {
        foreach (var id in new[] { a.CallId, a.WebhookCallId, 987654 })
        {
            var response = await b.Client.PostAsJsonAsync("/observability/v1/call-logs/evaluate_metrics/", new { call_logs = new[] { id }, metrics = new[] { 1 } });
            var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, response);
            Assert.Equal($"Call log {id} does not exist in this project.", errors.GetProperty("call_logs")[0].GetString());
        }
    }

    private static async Task RerunEvaluation(TenantA a, OtherTenant b)
    {
        var byId = await b.Client.PostAsJsonAsync("/observability/v1/call-logs/rerun_evaluation/", new { call_logs = new[] { a.CallId } });
        var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, byId);
        Assert.Equal($"Call log {a.CallId} does not exist in this project.", errors.GetProperty("call_logs")[0].GetString());

        foreach (var agent in new[] { a.AgentId, TenantA.DemoAgentId })
        {
            var all = await b.Client.PostAsJsonAsync("/observability/v1/call-logs/rerun_evaluation/", new { call_logs = "all", agent_id = agent });
            var allErrors = await AssertStatusAsync(HttpStatusCode.BadRequest, all);
            Assert.Equal($"Agent {agent} does not exist in this project.", allErrors.GetProperty("agent_id")[0].GetString());
        }
    }

    private static async Task CreateAgentReusingAsAssistant(TenantA a, OtherTenant b)
    {
        var agent = await b.CreateAgentAsync("B bot", TenantA.AssistantId);
        Assert.NotEqual(a.AgentId, agent);

        var body = Calls.Body("b-by-assistant");
        body.Remove("agent");
        body["assistant_id"] = TenantA.AssistantId;
        var created = await AssertStatusAsync(HttpStatusCode.Created, await Calls.PostCallAsync(b.Client, body));
        Assert.Equal(agent, created.GetProperty("agent").GetInt64());
        Assert.Equal("B bot", created.GetProperty("agent_name").GetString());
        var agents = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync("/test_framework/v1/aiagents/"));
        var only = Assert.Single(agents.GetProperty("results").EnumerateArray());
        Assert.Equal(b.ProjectId, only.GetProperty("project").GetInt64());
        await Calls.WaitForStageAsync(b.Client, created.GetProperty("id").GetInt64(), "evaluated");
    }

    private static async Task AgentList(TenantA a, OtherTenant b)
    {
        foreach (var query in new[] { "", "?page_size=100", "?page=1&page_size=1" })
        {
            var page = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync($"/test_framework/v1/aiagents/{query}"));
            Assert.Equal(0, page.GetProperty("count").GetInt64());
            Assert.Empty(page.GetProperty("results").EnumerateArray());
        }
    }

    private static async Task AgentDetail(TenantA a, OtherTenant b)
    {
        await AssertNotFoundAsync(await b.Client.GetAsync($"/test_framework/v1/aiagents/{a.AgentId}/"));
        await AssertNotFoundAsync(await b.Client.GetAsync($"/test_framework/v1/aiagents/{TenantA.DemoAgentId}/"));
        await AssertNotFoundAsync(await b.Client.GetAsync("/test_framework/v1/aiagents/987654/"));
    }

    private static async Task AgentPatch(TenantA a, OtherTenant b)
    {
        // A's data is compared with its snapshot after every case, so a PATCH that got through would also show there.
        foreach (var id in new[] { a.AgentId, TenantA.DemoAgentId })
        {
            await AssertNotFoundAsync(await b.Client.PatchAsJsonAsync($"/test_framework/v1/aiagents/{id}/",
                new { agent_name = "taken over", redact_fields = Array.Empty<string>() }));
        }
    }

    private static async Task AgentPut(TenantA a, OtherTenant b)
    {
        foreach (var id in new[] { a.AgentId, TenantA.DemoAgentId })
        {
            await AssertNotFoundAsync(await b.Client.PutAsJsonAsync($"/test_framework/v1/aiagents/{id}/", new { agent_name = "taken over" }));
        }
    }

    private static async Task AgentDelete(TenantA a, OtherTenant b)
    {
        foreach (var id in new[] { a.AgentId, TenantA.DemoAgentId, 987654L })
        {
            await AssertNotFoundAsync(await b.Client.DeleteAsync($"/test_framework/v1/aiagents/{id}/"));
        }
    }

    private static async Task AgentNamingAsMetric(TenantA a, OtherTenant b)
    {
        var created = await b.Client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "B bot", metrics = new[] { a.MetricId } });
        var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, created);
        Assert.Equal($"metric {a.MetricId} does not exist in this project", errors.GetProperty("metrics")[0].GetString());
        Assert.Equal(0, (await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync("/test_framework/v1/aiagents/"))).GetProperty("count").GetInt64());

        // Nor can B's own agent take it on later.
        var agent = await b.CreateAgentAsync("B bot", assistantId: null);
        var patched = await b.Client.PatchAsJsonAsync($"/test_framework/v1/aiagents/{agent}/", new { metrics = new[] { a.MetricId } });
        Assert.Equal($"metric {a.MetricId} does not exist in this project",
            (await AssertStatusAsync(HttpStatusCode.BadRequest, patched)).GetProperty("metrics")[0].GetString());
    }

    private static async Task MetricNamingAsAgent(TenantA a, OtherTenant b)
    {
        foreach (var (field, value) in new (string, object)[] { ("agents", new[] { a.AgentId }), ("agents", new[] { TenantA.DemoAgentId }), ("agent", a.AgentId) })
        {
            var body = new Dictionary<string, object> { ["name"] = "B metric", ["type"] = "llm_judge", ["eval_type"] = "binary", ["prompt"] = "p", [field] = value };
            var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, await b.Client.PostAsJsonAsync("/test_framework/v1/metrics/", body));
            Assert.Matches("^agent [0-9]+ does not exist in this project$", errors.GetProperty(field)[0].GetString());
        }
        Assert.Equal(0, (await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync("/test_framework/v1/metrics/"))).GetProperty("count").GetInt64());

        // B's own metric gets its own id, and A's agents do not gain it.
        var own = await b.CreateMetricAsync();
        Assert.NotEqual(a.MetricId, own);
    }

    private static async Task MetricList(TenantA a, OtherTenant b)
    {
        foreach (var query in new[] { "", "?page_size=100", $"?agent_id={a.AgentId}", $"?agent_id={TenantA.DemoAgentId}" })
        {
            var page = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync($"/test_framework/v1/metrics/{query}"));
            Assert.Equal(0, page.GetProperty("count").GetInt64());
            Assert.Empty(page.GetProperty("results").EnumerateArray());
        }
        // B's own metric lists only B's agents, even filtered by A's agent.
        var own = await b.CreateMetricAsync();
        var mine = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync("/test_framework/v1/metrics/"));
        Assert.Equal(own, Assert.Single(mine.GetProperty("results").EnumerateArray()).GetProperty("id").GetInt64());
        var filtered = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync($"/test_framework/v1/metrics/?agent_id={a.AgentId}"));
        Assert.Equal(0, filtered.GetProperty("count").GetInt64());
    }

    private static async Task MetricDetail(TenantA a, OtherTenant b)
    {
        await AssertNotFoundAsync(await b.Client.GetAsync($"/test_framework/v1/metrics/{a.MetricId}/"));
        await AssertNotFoundAsync(await b.Client.GetAsync("/test_framework/v1/metrics/987654/"));
    }

    private static async Task MetricPatch(TenantA a, OtherTenant b)
    {
        await AssertNotFoundAsync(await b.Client.PatchAsJsonAsync($"/test_framework/v1/metrics/{a.MetricId}/", new { name = "taken over", agents = Array.Empty<long>() }));
        var own = await b.CreateMetricAsync();
        var errors = await AssertStatusAsync(HttpStatusCode.BadRequest,
            await b.Client.PatchAsJsonAsync($"/test_framework/v1/metrics/{own}/", new { agents = new[] { a.AgentId } }));
        Assert.Equal($"agent {a.AgentId} does not exist in this project", errors.GetProperty("agents")[0].GetString());
    }

    private static async Task MetricPut(TenantA a, OtherTenant b) =>
        await AssertNotFoundAsync(await b.Client.PutAsJsonAsync($"/test_framework/v1/metrics/{a.MetricId}/",
            new { name = "taken over", type = "llm_judge", eval_type = "binary", prompt = "p", agents = Array.Empty<long>() }));

    private static async Task MetricDelete(TenantA a, OtherTenant b)
    {
        await AssertNotFoundAsync(await b.Client.DeleteAsync($"/test_framework/v1/metrics/{a.MetricId}/"));
        await AssertNotFoundAsync(await b.Client.DeleteAsync("/test_framework/v1/metrics/987654/"));
    }

    private static async Task PredefinedMetricList(TenantA a, OtherTenant b)
    {
        var mine = await (await a.Client.GetAsync("/test_framework/v1/predefined-metrics-external/")).Content.ReadAsStringAsync();
        var theirs = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.GetAsync("/test_framework/v1/predefined-metrics-external/"));
        Assert.Equal(mine, theirs.GetRawText());
        Assert.DoesNotContain(theirs.GetProperty("results").EnumerateArray(), m => m.GetProperty("id").GetInt64() == a.MetricId);
    }

    private static async Task SendCallNamingAsMetric(TenantA a, OtherTenant b)
    {
        var agent = await b.CreateAgentAsync("B bot", assistantId: null);
        var body = Calls.Body("b-names-a-metric", agent);
        body["metric_ids"] = $"1,{a.MetricId}";
        var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, await Calls.PostCallAsync(b.Client, body));
        Assert.Equal($"metric {a.MetricId} does not exist in this project", errors.GetProperty("metric_ids")[0].GetString());
        await AssertStoresNothingAsync(a, b);
    }

    private static async Task WebhookNamingAsAgent(TenantA a, OtherTenant b)
    {
        var query = $"?agent_id={a.AgentId}";
        foreach (var (provider, body) in new[]
                 {
                     ("pipecat", PipecatHistory("b-pipecat", "")),
                     ("livekit", LiveKitHistory("b-livekit")),
                     ("vapi", VapiReport("b-vapi", "asst_unknown_to_b")),
                     ("elevenlabs", ElevenLabsTranscription("b-conv", "el_unknown_to_b")),
                 })
        {
            var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, await PostWebhookAsync(b, provider, body, query));
            Assert.Equal($"Invalid pk \"{a.AgentId}\" - object does not exist.", errors.GetProperty("agent")[0].GetString());
        }
        // Pipecat and LiveKit envelopes may also name the agent in the body.
        var inBody = PipecatHistory("b-pipecat-body", $"\"agent\": {a.AgentId},");
        Assert.True((await AssertStatusAsync(HttpStatusCode.BadRequest, await PostWebhookAsync(b, "pipecat", inBody))).TryGetProperty("agent", out _));
        await AssertStoresNothingAsync(a, b);
    }

    private static async Task WebhookNamingAsAssistant(TenantA a, OtherTenant b)
    {
        foreach (var (provider, body) in new[]
                 {
                     ("vapi", VapiReport("b-vapi", TenantA.AssistantId)),
                     ("elevenlabs", ElevenLabsTranscription("b-conv", TenantA.AssistantId)),
                     ("pipecat", PipecatHistory("b-pipecat", $"\"assistant_id\": \"{TenantA.AssistantId}\",")),
                 })
        {
            var errors = await AssertStatusAsync(HttpStatusCode.BadRequest, await PostWebhookAsync(b, provider, body));
            Assert.Equal($"No agent with assistant_id \"{TenantA.AssistantId}\" in this project.", errors.GetProperty("assistant_id")[0].GetString());
        }
        await AssertStoresNothingAsync(a, b);
    }

    private static async Task WebhookReusingAsCallId(TenantA a, OtherTenant b)
    {
        await b.CreateAgentAsync("B bot", TenantA.AssistantId);
        // Were dedupe not per project, this would count as A's call and merge into it.
        var result = await AssertStatusAsync(HttpStatusCode.OK,
            await PostWebhookAsync(b, "elevenlabs", ElevenLabsTranscription(TenantA.ConversationId, TenantA.AssistantId)));
        Assert.Equal("ingested", result.GetProperty("status").GetString());
        var id = result.GetProperty("id").GetInt64();
        Assert.NotEqual(a.WebhookCallId, id);
        await Calls.WaitForStageAsync(b.Client, id, "evaluated");
    }

    private static async Task WebhookRecordingForAsCall(TenantA a, OtherTenant b)
    {
        foreach (var query in new[] { "", $"?agent_id={a.AgentId}" })
        {
            var response = await PostWebhookAsync(b, "elevenlabs", ElevenLabsAudio(TenantA.ConversationId, TenantA.AssistantId, Wav.Tone(0.2)), query);
            var body = await AssertStatusAsync(HttpStatusCode.NotFound, response);
            Assert.Contains(TenantA.ConversationId, body.GetProperty("detail").GetString());
        }
        await AssertStoresNothingAsync(a, b);
    }

    private static async Task WebhookTokenCreate(TenantA a, OtherTenant b)
    {
        foreach (var id in new[] { a.AgentId, TenantA.DemoAgentId, 987654L })
        {
            await AssertNotFoundAsync(await b.Client.PostAsync($"/test_framework/v1/aiagents/{id}/webhook_token/", null));
        }
        await a.AssertTokenWorksAsync();
    }

    private static async Task WebhookTokenRevoke(TenantA a, OtherTenant b)
    {
        foreach (var id in new[] { a.AgentId, TenantA.DemoAgentId, 987654L })
        {
            await AssertNotFoundAsync(await b.Client.DeleteAsync($"/test_framework/v1/aiagents/{id}/webhook_token/"));
        }
        await a.AssertTokenWorksAsync();
    }

    private static async Task TokenedUrlOfA(TenantA a, OtherTenant b)
    {
        // B learned A's URL (and sends its own key, and in the spoofing run A's tenant headers too), but not A's secret.
        var body = ElevenLabsTranscription("b-through-a", TenantA.AssistantId);
        var unsigned = await b.Client.PostAsync(WebhookTokens.Path("elevenlabs", a.Token), new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertStatusAsync(HttpStatusCode.Unauthorized, unsigned);
        var guessed = await b.Client.SendAsync(ElevenLabsSigned(WebhookTokens.Path("elevenlabs", a.Token), body, "b-guess"));
        await AssertStatusAsync(HttpStatusCode.Unauthorized, guessed);
        await AssertStoresNothingAsync(a, b);
    }

    private static async Task TokenedUrlOfB(TenantA a, OtherTenant b)
    {
        var agent = await b.CreateAgentAsync("B bot", TenantA.AssistantId, providerWebhookSecret: "b-secret");
        var created = await AssertStatusAsync(HttpStatusCode.Created, await b.Client.PostAsync($"/test_framework/v1/aiagents/{agent}/webhook_token/", null));
        var path = WebhookTokens.Path("elevenlabs", created.GetProperty("token").GetString()!);

        // A's assistant id, conversation id and agent id in hand: the call is still a new one of B's agent.
        var result = await AssertStatusAsync(HttpStatusCode.OK, await b.Client.SendAsync(
            ElevenLabsSigned($"{path}?agent_id={a.AgentId}", ElevenLabsTranscription(TenantA.ConversationId, TenantA.AssistantId), "b-secret")));
        Assert.Equal("ingested", result.GetProperty("status").GetString());
        var id = result.GetProperty("id").GetInt64();
        Assert.NotEqual(a.WebhookCallId, id);
        var call = await Calls.WaitForStageAsync(b.Client, id, "evaluated");
        Assert.Equal(agent, call.GetProperty("agent").GetInt64());

        // A recording for a call only A has is not found through B's URL.
        var audio = await b.Client.SendAsync(ElevenLabsSigned(path, ElevenLabsAudio(TenantA.CallIdText, TenantA.AssistantId, Wav.Tone(0.2)), "b-secret"));
        Assert.Contains(TenantA.CallIdText, (await AssertStatusAsync(HttpStatusCode.NotFound, audio)).GetProperty("detail").GetString());
    }

    private static HttpRequestMessage ElevenLabsSigned(string path, string body, string secret)
    {
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(seconds + "." + body)));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("ElevenLabs-Signature", $"t={seconds},v0={digest}");
        return request;
    }

    private static async Task OpenApiDocument(TenantA a, OtherTenant b)
    {
        foreach (var client in new[] { a.Host.CreateClient(), b.Client })
        {
            var response = await client.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(TenantA.CallIdText, text);
            Assert.DoesNotContain(TenantA.AssistantId, text);
        }
    }

    /// <summary>Neither tenant gained a call or a stored file (A's side is compared in full after every case).</summary>
    private static async Task AssertStoresNothingAsync(TenantA a, OtherTenant b)
    {
        var page = await a.Host.Services.GetRequiredService<ICallStore>().ListAsync(new CallQuery
        {
            ProjectId = b.ProjectId, From = DateTimeOffset.UnixEpoch, To = DateTimeOffset.UtcNow.AddYears(10),
        }, CancellationToken.None);
        Assert.Equal(0, page.Count);
        // Recordings are stored under recordings/{project}/; A's own file is compared byte for byte by the snapshot.
        var files = Directory.GetFiles(a.Host.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => Path.GetFileName(Path.GetDirectoryName(f)) == b.ProjectId.ToString());
    }

    private static async Task AssertNotFoundAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {text}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"detail": "Not found."}"""), JsonNode.Parse(text)), text);
    }

    private static async Task<JsonElement> AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> PostWebhookAsync(OtherTenant b, string provider, string body, string query = "") =>
        b.Client.PostAsync($"/observability/v1/{provider}/observe/{query}", new StringContent(body, Encoding.UTF8, "application/json"));

    private static MultipartFormDataContent Multipart(JsonObject body, byte[] recording)
    {
        var form = new MultipartFormDataContent();
        foreach (var (key, value) in body)
        {
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), key);
        }
        var file = new ByteArrayContent(recording);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "voice_recording", "call.wav");
        return form;
    }

    private static string PipecatHistory(string callId, string extraFields) => $$$"""
        {"call_id": "{{{callId}}}", {{{extraFields}}}
         "messages": [{"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Hi, I need help."}]}
        """;

    private static string LiveKitHistory(string callId) => $$$"""
        {"call_id": "{{{callId}}}", "chat_history": {"items": [
          {"type": "message", "role": "assistant", "content": ["Hello, how can I help?"]},
          {"type": "message", "role": "user", "content": ["Book a table."]}]}}
        """;

    private static string VapiReport(string callId, string assistantId) => $$$"""
        {"message": {"type": "end-of-call-report", "endedReason": "customer-ended-call",
          "call": {"id": "{{{callId}}}", "assistantId": "{{{assistantId}}}"},
          "artifact": {"messages": [
            {"role": "bot", "message": "Hi, thanks for calling.", "time": 1795168800500, "endTime": 1795168802000, "secondsFromStart": 0.5},
            {"role": "user", "message": "I'd like to book a table.", "time": 1795168803000, "endTime": 1795168804500, "secondsFromStart": 3.0}]} } }
        """;

    private static string ElevenLabsTranscription(string conversationId, string agentId) => $$$"""
        {"type": "post_call_transcription", "event_timestamp": {{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},
         "data": {"agent_id": "{{{agentId}}}", "conversation_id": "{{{conversationId}}}", "status": "done",
           "transcript": [
             {"role": "agent", "message": "Hello, how can I help?", "time_in_call_secs": 0},
             {"role": "user", "message": "Book a table for two.", "time_in_call_secs": 3}],
           "metadata": {"start_time_unix_secs": {{{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}}}, "call_duration_secs": 30} } }
        """;

    private static string ElevenLabsAudio(string conversationId, string agentId, byte[] audio) =>
        $$$"""{"type": "post_call_audio", "data": {"agent_id": "{{{agentId}}}", "conversation_id": "{{{conversationId}}}", "full_audio": "{{{Convert.ToBase64String(audio)}}}"}}""";

    private sealed record IsolationCase(string Method, string Route, string Name, Func<TenantA, OtherTenant, Task> Run);

    /// <summary>A second tenant (its own organisation and project) with a key added straight to the real key store.</summary>
    public sealed record OtherTenant(HttpClient Client, long ProjectId)
    {
        public async Task<long> CreateAgentAsync(string name, string? assistantId, string? providerWebhookSecret = null)
        {
            var response = await Client.PostAsJsonAsync("/test_framework/v1/aiagents/",
                new { agent_name = name, assistant_id = assistantId, provider_webhook_secret = providerWebhookSecret });
            var agent = await AssertStatusAsync(HttpStatusCode.Created, response);
            Assert.Equal(ProjectId, agent.GetProperty("project").GetInt64());
            return agent.GetProperty("id").GetInt64();
        }

        public async Task<long> CreateMetricAsync()
        {
            var response = await Client.PostAsJsonAsync("/test_framework/v1/metrics/",
                new { name = "B metric", type = "llm_judge", eval_type = "binary", prompt = "Did it help?" });
            var metric = await AssertStatusAsync(HttpStatusCode.Created, response);
            Assert.Equal(ProjectId, metric.GetProperty("project").GetInt64());
            return metric.GetProperty("id").GetInt64();
        }
    }

    /// <summary>Tenant A's data, made once through the API with the bootstrap key, and what A sees of it.</summary>
    public sealed class TenantA : IAsyncLifetime
    {
        public const long DemoAgentId = 1;
        public const string DemoAssistantId = "demo-assistant";
        public const string AssistantId = "asst_tenant_a";
        public const string CallIdText = "a-call-1";
        public const string ConversationId = "a-conv-1";
        public const string WebhookSecret = "a-provider-secret";

        private long _lastProject = 1;
        private string _snapshot = "";

        // A's key reads its whole snapshot after every case (over 700 requests within a minute), more than the
        // default per-key rate allows; the limiter is not what these cases test.
        public EmbeddedHost Host { get; } = new(new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:PerMinute"] = "100000",
            ["Gateway:RateLimit:Burst"] = "10000",
            // The admin API is on, so the cases for its routes meet its key check rather than its "off" answer.
            ["Gateway:AdminKey"] = "admin-isolation-0123456789",
        });
        public HttpClient Client { get; private set; } = null!;
        public long AgentId { get; private set; }
        public long MetricId { get; private set; }
        public long CallId { get; private set; }
        public long WebhookCallId { get; private set; }
        public string RecordingUrl { get; private set; } = "";

        /// <summary>The token of A's agent's webhook URLs (A's agent gets its provider secret after A's unsigned webhook call).</summary>
        public string Token { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Client = Host.CreateAuthorizedClient();
            var agent = await AssertStatusAsync(HttpStatusCode.Created, await Client.PostAsJsonAsync("/test_framework/v1/aiagents/",
                new { agent_name = "Tenant A bot", assistant_id = AssistantId }));
            AgentId = agent.GetProperty("id").GetInt64();
            // A's own metric, enabled on A's agent (so A's agent view and metric view both show the link).
            var metric = await AssertStatusAsync(HttpStatusCode.Created, await Client.PostAsJsonAsync("/test_framework/v1/metrics/",
                new { name = "A metric", type = "custom_code", eval_type = "binary", custom_code = "_result = true;", agents = new[] { AgentId } }));
            MetricId = metric.GetProperty("id").GetInt64();

            using var form = Multipart(Calls.Body(CallIdText, AgentId), Wav.Tone(1.0));
            CallId = (await AssertStatusAsync(HttpStatusCode.Created, await Client.PostAsync("/observability/v1/observe/", form))).GetProperty("id").GetInt64();
            var call = await Calls.WaitForStageAsync(Client, CallId, "evaluated");
            RecordingUrl = call.GetProperty("voice_recording_url").GetString()!;

            var webhook = await Client.PostAsync("/observability/v1/elevenlabs/observe/",
                new StringContent(ElevenLabsTranscription(ConversationId, AssistantId), Encoding.UTF8, "application/json"));
            WebhookCallId = (await AssertStatusAsync(HttpStatusCode.OK, webhook)).GetProperty("id").GetInt64();
            await Calls.WaitForStageAsync(Client, WebhookCallId, "evaluated");
            await AssertStatusAsync(HttpStatusCode.OK, await Client.PatchAsJsonAsync($"/test_framework/v1/aiagents/{AgentId}/", new { provider_webhook_secret = WebhookSecret }));
            Token = (await AssertStatusAsync(HttpStatusCode.Created, await Client.PostAsync($"/test_framework/v1/aiagents/{AgentId}/webhook_token/", null)))
                .GetProperty("token").GetString()!;
            await AssertTokenWorksAsync();

            // Both calls fall in the list's default window, so the other tenant's list queries would find them if they leaked.
            var list = await AssertStatusAsync(HttpStatusCode.OK, await Client.GetAsync("/observability/v2/call-logs/"));
            Assert.Equal(2, list.GetProperty("count").GetInt64());
            _snapshot = await SnapshotAsync();
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();

        public async Task<OtherTenant> NewTenantAsync(bool spoofingAsTenantHeaders)
        {
            var project = Interlocked.Increment(ref _lastProject);
            var key = ApiKeyHasher.Generate();
            await Host.Services.GetRequiredService<IApiKeyStore>().AddAsync(new ApiKeyRecord
            {
                OrganizationId = project,
                ProjectId = project,
                Name = $"isolation tenant {project}",
                Prefix = ApiKeyHasher.VisiblePrefix(key),
                HashHex = ApiKeyHasher.HashHex(key),
                CreatedAt = DateTimeOffset.UtcNow,
            }, CancellationToken.None);
            var client = Host.CreateClient();
            client.DefaultRequestHeaders.Add(ApiKeyMiddleware.HeaderName, key);
            if (spoofingAsTenantHeaders)
            {
                client.DefaultRequestHeaders.Add(TenantHeaders.OrganizationId, "1");
                client.DefaultRequestHeaders.Add(TenantHeaders.ProjectId, "1");
            }
            return new OtherTenant(client, project);
        }

        /// <summary>A's URL still takes A's signed webhooks: an event that is not a call, so A's data does not change.</summary>
        public async Task AssertTokenWorksAsync()
        {
            var response = await Host.CreateClient().SendAsync(ElevenLabsSigned(WebhookTokens.Path("elevenlabs", Token),
                """{"type": "call_initiation_failure", "data": {}}""", WebhookSecret));
            Assert.Equal("ignored", (await AssertStatusAsync(HttpStatusCode.OK, response)).GetProperty("status").GetString());
        }

        /// <summary>A sees exactly what it saw before the case ran: lists, details, agents and the recording's bytes.</summary>
        public async Task AssertUnchangedAsync() => Assert.Equal(_snapshot, await SnapshotAsync());

        private async Task<string> SnapshotAsync()
        {
            var parts = new List<string>();
            foreach (var path in new[]
                     {
                         "/observability/v2/call-logs/", $"/observability/v2/call-logs/{CallId}/", $"/observability/v2/call-logs/{WebhookCallId}/",
                         "/test_framework/v1/aiagents/", $"/test_framework/v1/aiagents/{AgentId}/",
                         "/test_framework/v1/metrics/", $"/test_framework/v1/metrics/{MetricId}/",
                     })
            {
                var response = await Client.GetAsync(path);
                parts.Add($"{path} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            var recording = await Client.GetAsync(new Uri(RecordingUrl).PathAndQuery);
            parts.Add($"recording {(int)recording.StatusCode} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await recording.Content.ReadAsByteArrayAsync()))}");
            return string.Join("\n", parts);
        }
    }
}
