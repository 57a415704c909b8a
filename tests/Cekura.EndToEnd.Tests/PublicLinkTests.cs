using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Tenancy;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The links we return (<c>voice_recording_url</c>, <c>next</c>/<c>previous</c>) in the embedded deployment: the
/// configured public base URL when there is one, else the origin the client reached; never what a client claims in
/// X-Forwarded-* headers. The split deployment is covered by <see cref="DistributedDeploymentTests"/>.
/// </summary>
public sealed class PublicLinkTests
{
    private const string PublicBase = "https://calls.example.com/cekura";

    [Fact]
    public async Task Returned_links_use_the_configured_public_base_url()
    {
        await using var host = new EmbeddedHost(new Dictionary<string, string?> { ["Cekura:PublicBaseUrl"] = PublicBase + "/" });
        var client = host.CreateAuthorizedClient();

        var created = await PostWithRecordingAsync(client, "public-1", forged: true);
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal($"{PublicBase}/observability/v2/call-logs/{id}/recording/", created.GetProperty("voice_recording_url").GetString());
        var detail = await (await client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync();
        Assert.Equal($"{PublicBase}/observability/v2/call-logs/{id}/recording/", detail.GetProperty("voice_recording_url").GetString());

        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(client, Calls.Body("public-2"))).StatusCode);
        var first = await (await client.GetAsync("/observability/v2/call-logs/?page_size=1")).ReadJsonAsync();
        var next = first.GetProperty("next").GetString()!;
        Assert.StartsWith($"{PublicBase}/observability/v2/call-logs/?", next);
        var second = await (await client.GetAsync(new Uri(next).PathAndQuery[Prefix.Length..])).ReadJsonAsync();
        Assert.StartsWith($"{PublicBase}/observability/v2/call-logs/?", second.GetProperty("previous").GetString());

        await client.PostAsync("/test_framework/v1/aiagents/", Json(new JsonObject { ["agent_name"] = "Second" }));
        var agents = await (await client.GetAsync("/test_framework/v1/aiagents/?page_size=1")).ReadJsonAsync();
        Assert.StartsWith($"{PublicBase}/test_framework/v1/aiagents/?", agents.GetProperty("next").GetString());
        var predefined = await (await client.GetAsync("/test_framework/v1/predefined-metrics-external/?page_size=1")).ReadJsonAsync();
        Assert.StartsWith($"{PublicBase}/test_framework/v1/predefined-metrics-external/?", predefined.GetProperty("next").GetString());
    }

    [Fact]
    public async Task Forwarded_headers_from_a_client_do_not_change_returned_links()
    {
        // Even with an internal secret configured: with the gateway in this process, the client talks to ingest directly.
        await using var host = new EmbeddedHost(new Dictionary<string, string?> { ["Gateway:InternalSecret"] = "embedded-secret-0123456789abcdef" });
        var client = host.CreateAuthorizedClient();

        var created = await PostWithRecordingAsync(client, "forged-1", forged: true);
        Assert.StartsWith("http://localhost/observability/v2/call-logs/", created.GetProperty("voice_recording_url").GetString());

        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(client, Calls.Body("forged-2"))).StatusCode);
        var list = new HttpRequestMessage(HttpMethod.Get, "/observability/v2/call-logs/?page_size=1");
        Forge(list);
        var page = await (await client.SendAsync(list)).ReadJsonAsync();
        Assert.StartsWith("http://localhost/observability/v2/call-logs/?", page.GetProperty("next").GetString());
    }

    private static string Prefix => new Uri(PublicBase).AbsolutePath;

    private static async Task<JsonElement> PostWithRecordingAsync(HttpClient client, string callId, bool forged)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(callId), "call_id" },
            { new StringContent("1"), "agent" },
            { new StringContent(Calls.Transcript().ToJsonString()), "transcript_json" },
        };
        var file = new ByteArrayContent(Wav.Tone(1.0));
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "voice_recording", "call.wav");
        var request = new HttpRequestMessage(HttpMethod.Post, "/observability/v1/observe/") { Content = form };
        if (forged)
        {
            Forge(request);
        }
        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    /// <summary>What a client would send to steer our links elsewhere, the gateway's secret guessed included.</summary>
    private static void Forge(HttpRequestMessage request)
    {
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Prefix", "/phish");
        request.Headers.Add(TenantHeaders.GatewaySecret, "embedded-secret-0123456789abcdef");
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
