using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Tenancy;
using Cekura.TestSupport;
using Microsoft.Data.Sqlite;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The distributed deployment: the one Cekura executable started once per target (<c>--target=gateway</c>,
/// <c>ingest</c>, two <c>transcription</c> workers, <c>redaction</c>, <c>evaluation</c>), each its own OS process,
/// talking through RabbitMQ, sharing a SQLite file, with recordings in an S3 server.
/// </summary>
[Collection(RabbitMqFixture.Collection)]
public sealed class DistributedDeploymentTests(RabbitMqFixture rabbit, S3Fixture s3) : IAsyncLifetime
{
    private const string ApiKey = "ck_live_distributedTestKey0000000000000001";
    private readonly List<ServiceProcess> _processes = [];
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-dist-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Calls_flow_through_separate_processes_over_RabbitMQ_SQLite_and_S3()
    {
        rabbit.SkipIfUnavailable();
        s3.SkipIfUnavailable();
        var shared = new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Host"] = rabbit.Host,
            ["Bus__RabbitMq__Port"] = rabbit.Port.ToString(),
            ["Bus__RabbitMq__Username"] = rabbit.Username,
            ["Bus__RabbitMq__Password"] = rabbit.Password,
            ["Storage__DataDirectory"] = _dataDirectory,
            ["Storage__CallStore"] = "Sqlite",
            ["Storage__Blobs"] = "S3",
            ["Storage__S3__Endpoint"] = s3.Endpoint,
            ["Storage__S3__AccessKey"] = s3.AccessKey,
            ["Storage__S3__SecretKey"] = s3.SecretKey,
            ["Storage__S3__Bucket"] = "cekura-dist-" + Guid.NewGuid().ToString("N")[..8],
            ["Outbox__SweepIntervalSeconds"] = "0.5",
            ["Gateway__InternalSecret"] = "internal-" + Guid.NewGuid().ToString("N"),
        };
        var ingest = Start("ingest", shared);
        var workers = new[]
        {
            Start("transcription", shared),
            Start("transcription", shared),
            Start("redaction", shared),
            Start("evaluation", shared),
        };
        var gateway = Start("gateway", new Dictionary<string, string>(shared)
        {
            ["Gateway__IngestUrl"] = ingest.BaseAddress.ToString(),
            ["CEKURA_API_KEY"] = ApiKey,
        });
        await Task.WhenAll(_processes.Select(p => p.WaitHealthyAsync(TimeSpan.FromSeconds(90))));

        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", ApiKey);

        // A recording upload, proxied by YARP to ingest, stored in S3.
        // As long as the transcript (18.27 s): the duration comes from the audio when there is a recording.
        var wav = Wav.Tone(18.4);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("dist-recorded"), "call_id" },
            { new StringContent("1"), "agent" },
            { new StringContent(Calls.Transcript().ToJsonString()), "transcript_json" },
        };
        var file = new ByteArrayContent(wav);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "voice_recording", "call.wav");
        var spoofed = new HttpRequestMessage(HttpMethod.Post, "/observability/v1/observe/") { Content = form };
        spoofed.Headers.Add(TenantHeaders.ProjectId, "77");
        var response = await client.SendAsync(spoofed);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();

        // More calls than workers, so both transcription processes compete for the queue.
        var ids = new List<long> { id };
        for (var i = 0; i < 8; i++)
        {
            var created = await client.PostAsJsonAsync("/observability/v1/observe/", Calls.Body($"dist-{i}"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await created.ReadJsonAsync()).GetProperty("id").GetInt64());
        }
        foreach (var callId in ids)
        {
            var done = await Calls.WaitForStageAsync(client, callId, "evaluated", TimeSpan.FromSeconds(90));
            Assert.Equal("success", done.GetProperty("status").GetString());
            Assert.Equal("00:18", done.GetProperty("duration").GetString());
        }

        var detail = await (await client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync();
        // The transcription process decoded the recording it read from S3.
        Assert.Equal(18.4, detail.GetProperty("recording_data").GetProperty("total_duration").GetDouble(), 2);
        var recording = await client.GetAsync(new Uri(detail.GetProperty("voice_recording_url").GetString()!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, recording.StatusCode);
        Assert.Equal(wav, await recording.Content.ReadAsByteArrayAsync());

        var list = await (await client.GetAsync("/observability/v2/call-logs/?page_size=50")).ReadJsonAsync();
        Assert.Equal(9, list.GetProperty("count").GetInt64());

        // The gateway process serves the web console and /docs, and its session cookie reads the proxied API.
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = gateway.BaseAddress };
        var consolePage = await browser.GetAsync("/console/calls");
        Assert.Equal(HttpStatusCode.OK, consolePage.StatusCode);
        Assert.Contains("/console/assets/app.js", await consolePage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/docs/")).StatusCode);
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/console/session") { Content = JsonContent.Create(new { api_key = ApiKey }) };
        signIn.Headers.Add("X-Cekura-Console", "1");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(signIn)).StatusCode);
        var byCookie = await (await browser.GetAsync("/observability/v2/call-logs/?page_size=1")).ReadJsonAsync();
        Assert.Equal(9, byCookie.GetProperty("count").GetInt64());
        // The browser's audio player seeks with Range requests, answered by ingest through the proxy.
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/observability/v2/call-logs/{id}/recording/");
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await browser.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(wav[100..200], await part.Content.ReadAsByteArrayAsync());

        // Links point at the gateway the client called, not at ingest's own address, and a client's X-Forwarded-*
        // headers cannot steer them (the gateway replaces them with its own).
        var gatewayOrigin = gateway.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal($"{gatewayOrigin}/observability/v2/call-logs/{id}/recording/", detail.GetProperty("voice_recording_url").GetString());
        var forgedPage = new HttpRequestMessage(HttpMethod.Get, "/observability/v2/call-logs/?page_size=2&page=2");
        forgedPage.Headers.Add("X-Forwarded-Proto", "https");
        forgedPage.Headers.Add("X-Forwarded-Host", "evil.example");
        forgedPage.Headers.Add("X-Forwarded-Prefix", "/phish");
        var page = await (await client.SendAsync(forgedPage)).ReadJsonAsync();
        Assert.StartsWith($"{gatewayOrigin}/observability/v2/call-logs/?", page.GetProperty("next").GetString());
        Assert.StartsWith($"{gatewayOrigin}/observability/v2/call-logs/?", page.GetProperty("previous").GetString());
        var agents = await (await client.GetAsync("/test_framework/v1/predefined-metrics-external/?page_size=1")).ReadJsonAsync();
        Assert.StartsWith($"{gatewayOrigin}/test_framework/v1/predefined-metrics-external/?", agents.GetProperty("next").GetString());

        // An agent's tokened webhook URL, through the gateway process without a key: the provider's signature instead.
        var agent = await (await client.PostAsJsonAsync("/test_framework/v1/aiagents/",
            new { agent_name = "ElevenLabs bot", provider_webhook_secret = "wsec_dist" })).ReadJsonAsync();
        var token = await (await client.PostAsync($"/test_framework/v1/aiagents/{agent.GetProperty("id").GetInt64()}/webhook_token/", null)).ReadJsonAsync();
        var hook = new Uri(token.GetProperty("webhook_urls").GetProperty("elevenlabs").GetString()!);
        Assert.Equal(gateway.BaseAddress.Authority, hook.Authority); // the gateway's address, not ingest's
        var transcription = $$"""
            {"type": "post_call_transcription", "data": {"agent_id": "el_dist", "conversation_id": "dist-conv-1",
              "transcript": [{"role": "agent", "message": "Hello, how can I help?", "time_in_call_secs": 0},
                             {"role": "user", "message": "Book a table.", "time_in_call_secs": 3}],
              "metadata": {"start_time_unix_secs": {{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}}, "call_duration_secs": 30} } }
            """;
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var signature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes("wsec_dist"), System.Text.Encoding.UTF8.GetBytes(seconds + "." + transcription)));
        using var provider = new HttpClient { BaseAddress = gateway.BaseAddress };
        var signed = new HttpRequestMessage(HttpMethod.Post, hook.PathAndQuery)
        {
            Content = new StringContent(transcription, System.Text.Encoding.UTF8, "application/json"),
        };
        signed.Headers.Add("ElevenLabs-Signature", $"t={seconds},v0={signature}");
        var hooked = await provider.SendAsync(signed);
        Assert.True(hooked.StatusCode == HttpStatusCode.OK, await hooked.Content.ReadAsStringAsync());
        var hookedCall = await Calls.WaitForStageAsync(client, (await hooked.ReadJsonAsync()).GetProperty("id").GetInt64(), "evaluated", TimeSpan.FromSeconds(90));
        Assert.Equal("ElevenLabs bot", hookedCall.GetProperty("agent_name").GetString());
        var unsigned = await provider.PostAsync(hook.PathAndQuery, new StringContent(transcription, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        // Ingest itself only serves requests stamped by the gateway, whose secret a caller cannot know.
        using var direct = new HttpClient { BaseAddress = ingest.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await direct.GetAsync("/observability/v2/call-logs/")).StatusCode);
        var forged = new HttpRequestMessage(HttpMethod.Get, "/observability/v2/call-logs/");
        forged.Headers.Add(TenantHeaders.OrganizationId, "1");
        forged.Headers.Add(TenantHeaders.ProjectId, "1");
        forged.Headers.Add(TenantHeaders.GatewaySecret, "guessed");
        Assert.Equal(HttpStatusCode.Unauthorized, (await direct.SendAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new HttpClient { BaseAddress = gateway.BaseAddress }.GetAsync("/observability/v2/call-logs/")).StatusCode);
        Assert.All(workers, w => Assert.DoesNotContain("Unhandled exception", w.Output));
        // Each process ran only its own target (the start-up report names the modules).
        Assert.Contains("Cekura modules [gateway]", gateway.AllOutput);
        Assert.Contains("Cekura modules [ingest]", ingest.AllOutput);
        Assert.Contains("Cekura modules [transcription]", workers[0].AllOutput);
    }

    private ServiceProcess Start(string target, IReadOnlyDictionary<string, string> environment)
    {
        var process = ServiceProcess.StartTargets(target, environment);
        _processes.Add(process);
        return process;
    }
}
