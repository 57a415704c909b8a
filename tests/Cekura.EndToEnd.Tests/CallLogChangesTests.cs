using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>Reviewing, editing and deleting call logs through the API, on the embedded host.</summary>
public sealed class CallLogChangesTests : IAsyncLifetime
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
    public async Task A_review_sets_status_and_success_and_survives_a_re_evaluation()
    {
        var id = await EvaluatedCallAsync("review-1");

        var reviewed = await PatchAsync(id, new { status = "reviewed_failure", feedback = "Agent was rude" });

        Assert.Equal("reviewed_failure", reviewed.GetProperty("status").GetString());
        Assert.True(reviewed.GetProperty("is_reviewed").GetBoolean());
        Assert.False(reviewed.GetProperty("success").GetBoolean());
        Assert.Equal("Agent was rude", reviewed.GetProperty("feedback").GetString());

        var again = await PatchAsync(id, new { reevaluate_metrics = true });
        Assert.Equal("redacted", again.GetProperty("processing_stage").GetString());
        var done = await Calls.WaitForStageAsync(_client, id, "evaluated");
        Assert.Equal("reviewed_failure", done.GetProperty("status").GetString());
        Assert.False(done.GetProperty("success").GetBoolean());

        // Withdrawing the review hands the verdict back to the rubric (no rubric: a success).
        var withdrawn = await PatchAsync(id, new { is_reviewed = false });
        Assert.False(withdrawn.GetProperty("is_reviewed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, withdrawn.GetProperty("success").ValueKind);
        var rubric = await WaitForAsync(id, c => c.GetProperty("status").GetString() == "success");
        Assert.True(rubric.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Metadata_and_dynamic_variables_merge_at_the_top_level_and_other_fields_are_replaced()
    {
        var body = Calls.Body("merge-1");
        body["metadata"] = new System.Text.Json.Nodes.JsonObject { ["customer_id"] = "123", ["plan"] = "free" };
        var id = (await (await Calls.PostCallAsync(_client, body)).ReadJsonAsync()).GetProperty("id").GetInt64();

        var patched = await PatchAsync(id, new
        {
            metadata = new { plan = "pro", region = "eu" },
            dynamic_variables = new { name = "Ann" },
            call_ended_reason = "agent-ended-call",
            customer_number = (string?)null,
            timestamp = "2026-11-30T08:00:00Z",
        });

        var metadata = patched.GetProperty("metadata");
        Assert.Equal("123", metadata.GetProperty("customer_id").GetString());
        Assert.Equal("pro", metadata.GetProperty("plan").GetString());
        Assert.Equal("eu", metadata.GetProperty("region").GetString());
        Assert.Equal("Ann", patched.GetProperty("dynamic_variables").GetProperty("name").GetString());
        Assert.Equal("agent-ended-call", patched.GetProperty("call_ended_reason").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("customer_number").ValueKind);
        Assert.StartsWith("2026-11-30T08:00:00", patched.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Bad_patches_are_400s_naming_the_field_and_change_nothing()
    {
        var id = await EvaluatedCallAsync("bad-patch-1");

        var response = await _client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", new
        {
            status = "success", is_reviewed = "yes", metadata = new[] { 1 }, timestamp = "yesterday",
            transcript_json = Array.Empty<object>(),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await response.ReadJsonAsync();
        foreach (var field in new[] { "status", "is_reviewed", "metadata", "timestamp", "transcript_json" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} missing from {errors}");
        }
        var after = await (await _client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync();
        Assert.False(after.GetProperty("is_reviewed").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PatchAsJsonAsync("/observability/v2/call-logs/987654/", new { feedback = "x" })).StatusCode);
    }

    [Fact]
    public async Task Replacing_the_transcript_runs_the_chain_again_and_the_metrics_describe_the_new_one_while_the_review_stays()
    {
        var id = await EvaluatedCallAsync("replace-1");
        var before = await PatchAsync(id, new { status = "reviewed_success" });
        var beforeLatency = Metric(before, "Latency");

        var patched = await PatchAsync(id, new
        {
            transcript_type = "cekura",
            transcript_json = new object[]
            {
                new { role = "Testing Agent", content = "Hi, I need a table for two.", start_time = 0.5, end_time = 1.0 },
                new { role = "Main Agent", content = "Sure, for what time?", start_time = 4.0, end_time = 6.0 },
                new { role = "Testing Agent", content = "Eight.", start_time = 7.0, end_time = 8.0 },
                new { role = "Main Agent", content = "Booked for eight.", start_time = 10.0, end_time = 40.0 },
            },
        });

        // Back at the start of the chain, the old results gone, the person's verdict kept.
        Assert.Equal("received", patched.GetProperty("processing_stage").GetString());
        Assert.Empty(patched.GetProperty("metrics").EnumerateArray());
        Assert.Equal("reviewed_success", patched.GetProperty("status").GetString());
        var done = await Calls.WaitForStageAsync(_client, id, "evaluated");
        Assert.Equal("00:40", done.GetProperty("duration").GetString());
        Assert.StartsWith("[00:00] Testing Agent: Hi, I need a table for two.", done.GetProperty("transcript").GetString());
        // Gaps 4.0 - 1.0 = 3.0 s and 10.0 - 8.0 = 2.0 s, where the first transcript's were 1.16 s and 1.90 s.
        Assert.Equal(1530, beforeLatency, 1);
        Assert.Equal(2500, Metric(done, "Latency"), 1);
        Assert.True(done.GetProperty("is_reviewed").GetBoolean());
        Assert.Equal("reviewed_success", done.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_replacement_transcript_gets_Send_Calls_messages_and_a_refused_one_changes_nothing()
    {
        var id = await EvaluatedCallAsync("replace-bad");
        var before = await (await _client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync();

        var badRole = await _client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", new
        {
            transcript_json = new object[] { new { role = "Main Agent", content = "Hi" }, new { role = "agent", content = "hi" } },
            feedback = "must not be kept either",
        });
        var badType = await _client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", new { transcript_type = "otter", transcript_json = "[]" });
        var missing = await _client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", new { transcript_type = "vapi" });
        // This host has no speech-to-text backend, and the call no recording: both are said.
        var noneMono = await _client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", new { transcript_type = "none-mono" });

        Assert.Equal("entry 1: role 'agent' is not one of 'Main Agent', 'Testing Agent', 'Function Call', 'Function Call Result'",
            (await Refused(badRole)).GetProperty("transcript_json")[0].GetString());
        Assert.StartsWith("\"otter\" is not a valid choice. Valid choices: cekura, ", (await Refused(badType)).GetProperty("transcript_type")[0].GetString());
        Assert.Equal("This field is required.", (await Refused(missing)).GetProperty("transcript_json")[0].GetString());
        var noneMonoErrors = (await Refused(noneMono)).GetProperty("transcript_type").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(noneMonoErrors, m => m!.StartsWith("transcript_type none-mono needs a speech-to-text backend", StringComparison.Ordinal));
        Assert.Contains(noneMonoErrors, m => m!.StartsWith("transcript_type none-mono needs a recording", StringComparison.Ordinal));

        var after = await (await _client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync();
        Assert.Equal(before.GetProperty("updated_at").GetString(), after.GetProperty("updated_at").GetString());
        Assert.Equal("evaluated", after.GetProperty("processing_stage").GetString());
        Assert.Equal(before.GetProperty("transcript").GetString(), after.GetProperty("transcript").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_call_and_its_recording_blob_and_bulk_delete_skips_what_is_not_there()
    {
        var created = await (await Calls.PostWithRecordingAsync(_client, Calls.Body("delete-1"), Wav.Tone(1.0))).ReadJsonAsync();
        var id = created.GetProperty("id").GetInt64();
        await Calls.WaitForStageAsync(_client, id, "evaluated");
        var blobs = Directory.GetFiles(_host.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains("recordings", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(blobs);

        var deleted = await _client.DeleteAsync($"/observability/v1/call-logs/{id}/");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/observability/v2/call-logs/{id}/")).StatusCode);
        Assert.All(blobs, b => Assert.False(File.Exists(b), $"{b} is still there"));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/observability/v1/call-logs/{id}/")).StatusCode);

        var keep = await EvaluatedCallAsync("keep-1");
        var gone = await EvaluatedCallAsync("gone-1");
        var bulk = await _client.PostAsJsonAsync("/observability/v1/call-logs/delete_call_logs/", new { call_logs = new[] { gone, id, 987654 } });
        Assert.Equal(HttpStatusCode.NoContent, bulk.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/observability/v2/call-logs/{gone}/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/observability/v2/call-logs/{keep}/")).StatusCode);

        var wrongAgent = await _client.PostAsJsonAsync("/observability/v1/call-logs/delete_call_logs/", new { call_logs = new[] { keep }, agent_id = 999 });
        Assert.Equal(HttpStatusCode.NoContent, wrongAgent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/observability/v2/call-logs/{keep}/")).StatusCode);
        var bad = await _client.PostAsJsonAsync("/observability/v1/call-logs/delete_call_logs/", new { call_logs = "all" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("Expected a list of call log ids, but got str.", (await bad.ReadJsonAsync()).GetProperty("call_logs")[0].GetString());
    }

    private async Task<long> EvaluatedCallAsync(string callId)
    {
        var id = (await (await Calls.PostCallAsync(_client, Calls.Body(callId))).ReadJsonAsync()).GetProperty("id").GetInt64();
        await Calls.WaitForStageAsync(_client, id, "evaluated");
        // "evaluated" shows before the stage notes its own CallEvaluated as published (one more write, a new
        // updated_at): wait for that last write, so tests comparing updated_at see only their own changes.
        var store = _host.Services.GetRequiredService<ICallStore>();
        await Eventually.UntilAsync(() => store.GetForWorkerAsync(id, CancellationToken.None), call => call?.OutboxPublishedAt is not null,
            call => $"call {id}: CallEvaluated never noted as published ({call?.Stage})");
        return id;
    }

    private static double Metric(JsonElement call, string name) =>
        call.GetProperty("evaluation").GetProperty("metrics").EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == name).GetProperty("score").GetDouble();

    private static async Task<JsonElement> Refused(HttpResponseMessage response)
    {
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body.ToString());
        return body;
    }

    private async Task<JsonElement> PatchAsync(long id, object body)
    {
        var response = await _client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", body);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    private Task<JsonElement> WaitForAsync(long id, Func<JsonElement, bool> condition) => Eventually.UntilAsync(
        async () => await (await _client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync(),
        condition, call => $"call {id} never met the condition: {call}");
}
