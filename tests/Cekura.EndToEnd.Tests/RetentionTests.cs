using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Ingest.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// A project's retention, set through the admin API, and the ingest module's sweep that deletes calls past it with
/// their recordings. The sweep is run directly with the time it should take as "now", instead of waiting for its timer
/// (whose first round is one interval after start, an hour by default).
/// </summary>
public sealed class RetentionTests
{
    private const string AdminKey = "admin-retention-0123456789";

    [Fact]
    public async Task Operators_set_a_projects_retention_and_the_sweep_deletes_its_older_calls_with_their_recordings()
    {
        await using var host = Host();
        var admin = Admin(host);
        var client = host.CreateAuthorizedClient();
        Assert.Equal(JsonValueKind.Null, (await OkAsync(await admin.GetAsync("/admin/v1/projects/1/"))).GetProperty("retention_days").ValueKind);
        await AssertRefusedAsync(admin, new { retention_days = 0 }, "retention_days", "Ensure this value is between 1 and 36500 (days), or null for the installation's default.");
        await AssertRefusedAsync(admin, new { retention_days = "30" }, "retention_days", "A valid integer is required.");
        await AssertRefusedAsync(admin, new { name = " " }, "name", "This field may not be blank.");
        var set = await OkAsync(await admin.PatchAsJsonAsync("/admin/v1/projects/1/", new { retention_days = 30 }));
        Assert.Equal(30, set.GetProperty("retention_days").GetInt32());
        Assert.Equal("default", set.GetProperty("name").GetString());
        Assert.Equal(30, (await OkAsync(await admin.GetAsync("/admin/v1/projects/1/"))).GetProperty("retention_days").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PatchAsJsonAsync("/admin/v1/projects/999/", new { retention_days = 5 })).StatusCode);

        var now = DateTimeOffset.UtcNow;
        var old = await EvaluatedCallAsync(client, "old-1", now.AddDays(-40), Wav.Tone(1.0));
        var recent = await EvaluatedCallAsync(client, "recent-1", now.AddDays(-1));
        Assert.NotEmpty(RecordingFiles(host));
        var sweeper = host.Services.GetRequiredService<CallRetentionSweeper>();

        Assert.Equal(1, await sweeper.SweepAsync(now, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/observability/v2/call-logs/{old}/")).StatusCode);
        Assert.Empty(RecordingFiles(host));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/observability/v2/call-logs/{recent}/")).StatusCode);
        // A second sweep (another replica's, say) finds nothing more; a month later the recent call has expired too.
        Assert.Equal(0, await sweeper.SweepAsync(now, CancellationToken.None));
        Assert.Equal(1, await sweeper.SweepAsync(now.AddDays(30), CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/observability/v2/call-logs/{recent}/")).StatusCode);

        // Back to the installation's default, which here keeps calls forever.
        var cleared = await OkAsync(await admin.PatchAsJsonAsync("/admin/v1/projects/1/", new { retention_days = (int?)null }));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("retention_days").ValueKind);
        var ancient = await EvaluatedCallAsync(client, "ancient-1", now.AddYears(-5));
        Assert.Equal(0, await sweeper.SweepAsync(now, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/observability/v2/call-logs/{ancient}/")).StatusCode);
    }

    [Fact]
    public async Task The_default_retention_applies_to_projects_without_their_own_and_a_projects_own_wins()
    {
        await using var host = Host(("Retention:DefaultDays", "10"));
        var admin = Admin(host);
        var organization = await CreatedAsync(await admin.PostAsJsonAsync("/admin/v1/organizations/", new { name = "Acme" }));
        var project = await CreatedAsync(await admin.PostAsJsonAsync(
            $"/admin/v1/organizations/{organization.GetProperty("id").GetInt64()}/projects/", new { name = "archive", retention_days = 1000 }));
        Assert.Equal(1000, project.GetProperty("retention_days").GetInt32());
        var key = await CreatedAsync(await admin.PostAsJsonAsync("/admin/v1/keys/", new
        {
            organization_id = organization.GetProperty("id").GetInt64(), project_id = project.GetProperty("id").GetInt64(), name = "archive",
        }));
        var archive = host.CreateClient();
        archive.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", key.GetProperty("key").GetString());
        var agent = await CreatedAsync(await archive.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "Archive bot" }));

        var now = DateTimeOffset.UtcNow;
        var defaultProjectCall = await EvaluatedCallAsync(host.CreateAuthorizedClient(), "old-default", now.AddDays(-100));
        var archivedCall = await EvaluatedCallAsync(archive, "old-archive", now.AddDays(-100), agent: agent.GetProperty("id").GetInt64());

        Assert.Equal(1, await host.Services.GetRequiredService<CallRetentionSweeper>().SweepAsync(now, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, (await host.CreateAuthorizedClient().GetAsync($"/observability/v2/call-logs/{defaultProjectCall}/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await archive.GetAsync($"/observability/v2/call-logs/{archivedCall}/")).StatusCode);
    }

    private static EmbeddedHost Host(params (string Key, string? Value)[] settings) =>
        new(settings.Append((Key: "Gateway:AdminKey", Value: (string?)AdminKey)).ToDictionary(s => s.Key, s => s.Value));

    private static HttpClient Admin(EmbeddedHost host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-CEKURA-ADMIN-KEY", AdminKey);
        return client;
    }

    private static async Task<long> EvaluatedCallAsync(HttpClient client, string callId, DateTimeOffset timestamp, byte[]? recording = null, long agent = 1)
    {
        var body = Calls.Body(callId, agent);
        body["timestamp"] = timestamp.ToString("O");
        HttpResponseMessage response;
        if (recording is null)
        {
            response = await Calls.PostCallAsync(client, body);
        }
        else
        {
            using var form = new MultipartFormDataContent();
            foreach (var (key, value) in body)
            {
                form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), key);
            }
            var file = new ByteArrayContent(recording);
            file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(file, "voice_recording", "call.wav");
            response = await client.PostAsync("/observability/v1/observe/", form);
        }
        var id = (await CreatedAsync(response)).GetProperty("id").GetInt64();
        var done = await Calls.WaitForStageAsync(client, id, "evaluated");
        Assert.True(done.GetProperty("processing_stage").GetString() == "evaluated", done.ToString());
        return id;
    }

    private static string[] RecordingFiles(EmbeddedHost host)
    {
        var root = Path.Combine(host.DataDirectory, "recordings");
        return Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories) : [];
    }

    private static async Task AssertRefusedAsync(HttpClient admin, object body, string field, string message)
    {
        var response = await admin.PatchAsJsonAsync("/admin/v1/projects/1/", body);
        var errors = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, errors.ToString());
        Assert.Equal(message, errors.GetProperty(field)[0].GetString());
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }
}
