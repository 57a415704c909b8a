using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Gateway.Limits;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>The gateway as a security product: key management, organisation-wide keys, rate limits, body limits, timeouts.</summary>
public sealed class GatewayTests
{
    private const string AdminKey = "admin-e2e-secret-0123456789";

    private static EmbeddedHost Host(params (string Key, string? Value)[] settings) =>
        new(settings.Append((Key: "Gateway:AdminKey", Value: (string?)AdminKey)).ToDictionary(s => s.Key, s => s.Value));

    private static HttpClient Admin(EmbeddedHost host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-CEKURA-ADMIN-KEY", AdminKey);
        return client;
    }

    private static HttpClient WithKey(EmbeddedHost host, string key)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", key);
        return client;
    }

    [Fact]
    public async Task Operators_create_list_and_revoke_keys_and_a_revoked_key_is_refused_on_the_next_request()
    {
        await using var host = Host();
        var admin = Admin(host);
        var org = await (await admin.PostAsJsonAsync("/admin/v1/organizations/", new { name = "Acme" })).ReadJsonAsync();
        var orgId = org.GetProperty("id").GetInt64();
        var project = await (await admin.PostAsJsonAsync($"/admin/v1/organizations/{orgId}/projects/", new { name = "support" })).ReadJsonAsync();
        var projectId = project.GetProperty("id").GetInt64();

        var createdResponse = await admin.PostAsJsonAsync("/admin/v1/keys/", new { organization_id = orgId, project_id = projectId, name = "ci" });
        Assert.Equal(HttpStatusCode.Created, createdResponse.StatusCode);
        var created = await createdResponse.ReadJsonAsync();
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith("ck_live_", key);
        Assert.Equal(key[..16], created.GetProperty("details").GetProperty("prefix").GetString());

        var client = WithKey(host, key);
        var agent = await (await client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "Support bot" })).ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(client, Calls.Body("managed-1", agent.GetProperty("id").GetInt64()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/observability/v2/call-logs/")).StatusCode);

        var listed = await (await admin.GetAsync($"/admin/v1/keys/?organization_id={orgId}")).ReadJsonAsync();
        var entry = Assert.Single(listed.EnumerateArray());
        Assert.Equal("ci", entry.GetProperty("name").GetString());
        Assert.NotEqual(JsonValueKind.Null, entry.GetProperty("last_used_at").ValueKind);
        var listedText = listed.GetRawText();
        Assert.DoesNotContain(key, listedText);
        Assert.DoesNotContain("hash", listedText);

        var revoked = await admin.PostAsync($"/admin/v1/keys/{entry.GetProperty("id").GetInt64()}/revoke/", null);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var refused = await client.GetAsync("/observability/v2/call-logs/");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Invalid API key.", (await refused.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_admin_write_while_another_writer_holds_the_store_is_a_503_with_retry_after_and_stores_nothing()
    {
        await using var host = Host(("Storage:Sqlite:BusyTimeoutSeconds", "1"));
        var admin = Admin(host);
        var org = await (await admin.PostAsJsonAsync("/admin/v1/organizations/", new { name = "Acme" })).ReadJsonAsync();
        var orgId = org.GetProperty("id").GetInt64();
        var project = await (await admin.PostAsJsonAsync($"/admin/v1/organizations/{orgId}/projects/", new { name = "support" })).ReadJsonAsync();
        var projectId = project.GetProperty("id").GetInt64();
        // A split deployment's ingest (here a connection of the test) inside a write transaction on the shared file.
        await using var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "cekura.db")};Pooling=False");
        await other.OpenAsync();
        var blocking = other.BeginTransaction(deferred: false);

        // An insert (its own BEGIN IMMEDIATE) and a single-statement update (SQLite's busy error itself).
        var created = await admin.PostAsJsonAsync($"/admin/v1/organizations/{orgId}/projects/", new { name = "while-locked" });
        var patched = await admin.PatchAsJsonAsync($"/admin/v1/projects/{projectId}/", new { retention_days = 7 });

        foreach (var busy in new[] { created, patched })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
            Assert.StartsWith("The store is busy", (await busy.ReadJsonAsync()).GetProperty("detail").GetString());
        }
        blocking.Rollback();
        var projects = await (await admin.GetAsync($"/admin/v1/organizations/{orgId}/projects/")).ReadJsonAsync();
        Assert.Equal(["support"], projects.EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray());
        var unchanged = await (await admin.GetAsync($"/admin/v1/projects/{projectId}/")).ReadJsonAsync();
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("retention_days").ValueKind);
        // Sent again once the store is free, both succeed.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/admin/v1/organizations/{orgId}/projects/", new { name = "while-locked" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/admin/v1/projects/{projectId}/", new { retention_days = 7 })).StatusCode);
    }

    [Fact]
    public async Task The_admin_api_needs_its_own_key_and_is_off_without_one()
    {
        await using var host = Host();
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateClient().GetAsync("/admin/v1/keys/")).StatusCode);
        var withApiKey = host.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await withApiKey.GetAsync("/admin/v1/keys/")).StatusCode);
        var wrong = host.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-CEKURA-ADMIN-KEY", AdminKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/admin/v1/organizations/")).StatusCode);

        await using var off = new EmbeddedHost();
        var attempt = off.CreateClient();
        attempt.DefaultRequestHeaders.Add("X-CEKURA-ADMIN-KEY", AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await attempt.GetAsync("/admin/v1/keys/")).StatusCode);
    }

    [Fact]
    public async Task A_revocation_reaches_another_gateway_instance_within_its_key_cache_time()
    {
        await using var first = Host(("Gateway:KeyCacheSeconds", "1"));
        await using var second = new EmbeddedHost(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = first.DataDirectory, ["Gateway:KeyCacheSeconds"] = "1",
        });
        var key = await CreateKeyAsync(Admin(first), 1, new { organization_id = 1, project_id = 1, name = "shared" });
        var onSecond = WithKey(second, key.Key);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/observability/v2/call-logs/")).StatusCode);

        await Admin(first).PostAsync($"/admin/v1/keys/{key.Id}/revoke/", null);
        // KeyCacheSeconds is 1; the generous deadline only bounds a broken cache on a loaded machine.
        await Eventually.UntilAsync(
            async () => (await onSecond.GetAsync("/observability/v2/call-logs/")).StatusCode,
            status => status != HttpStatusCode.OK,
            status => $"the other instance still accepts the revoked key ({status})", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, (await onSecond.GetAsync("/observability/v2/call-logs/")).StatusCode);
    }

    [Fact]
    public async Task An_organisation_wide_key_must_name_one_of_its_projects()
    {
        await using var host = Host();
        var admin = Admin(host);
        var other = await (await admin.PostAsJsonAsync("/admin/v1/organizations/", new { name = "Other" })).ReadJsonAsync();
        var otherProject = await (await admin.PostAsJsonAsync($"/admin/v1/organizations/{other.GetProperty("id").GetInt64()}/projects/", new { name = "x" })).ReadJsonAsync();
        var key = await CreateKeyAsync(admin, 1, new { organization_id = 1, organization_wide = true, name = "org-wide" });
        var client = WithKey(host, key.Key);

        var unnamed = await client.GetAsync("/observability/v2/call-logs/");
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.True((await unnamed.ReadJsonAsync()).TryGetProperty("project_id", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/observability/v2/call-logs/?project_id=1")).StatusCode);
        var viaHeader = new HttpRequestMessage(HttpMethod.Post, "/observability/v1/observe/") { Content = JsonContent.Create(Calls.Body("org-wide-1")) };
        viaHeader.Headers.Add("X-CEKURA-PROJECT-ID", "1");
        var created = await client.SendAsync(viaHeader);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound,
            (await client.GetAsync($"/observability/v2/call-logs/?project_id={otherProject.GetProperty("id").GetInt64()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/observability/v2/call-logs/?project_id=999")).StatusCode);

        var invalid = await admin.PostAsJsonAsync("/admin/v1/keys/", new { organization_id = 1, project_id = otherProject.GetProperty("id").GetInt64(), name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_Retry_After_while_another_key_is_unaffected()
    {
        await using var host = Host();
        var admin = Admin(host);
        var limited = WithKey(host, (await CreateKeyAsync(admin, 1, new { organization_id = 1, project_id = 1, name = "slow", rate_limit_per_minute = 6, rate_limit_burst = 5 })).Key);
        var other = host.CreateAuthorizedClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await limited.GetAsync("/observability/v2/call-logs/")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/observability/v2/call-logs/")).StatusCode);
        }
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        var throttled = await limited.GetAsync("/observability/v2/call-logs/");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 10);
        Assert.StartsWith("Request was throttled.", (await throttled.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_tokened_webhook_url_needs_no_key_and_has_its_own_rate_and_body_limits()
    {
        await using var host = Host(("Gateway:RateLimit:PerMinute", "6"), ("Gateway:RateLimit:Burst", "3"), ("Gateway:MaxJsonBytes", "4096"));
        var owner = WithKey(host, (await CreateKeyAsync(Admin(host), 1,
            new { organization_id = 1, project_id = 1, name = "owner", rate_limit_per_minute = 6000, rate_limit_burst = 100 })).Key);
        var urls = new List<string>();
        foreach (var name in new[] { "First", "Second" })
        {
            var agent = await (await owner.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = name, provider_webhook_secret = "key_" + name })).ReadJsonAsync();
            var token = await (await owner.PostAsync($"/test_framework/v1/aiagents/{agent.GetProperty("id").GetInt64()}/webhook_token/", null)).ReadJsonAsync();
            urls.Add(new Uri(token.GetProperty("webhook_urls").GetProperty("retell").GetString()!).PathAndQuery);
        }
        var anonymous = host.CreateClient();
        var unsigned = new StringContent("""{"event": "call_ended", "call": {"call_id": "r"}}""", Encoding.UTF8, "application/json");

        // Unsigned, so ingest answers 401: reaching it at all shows the gateway let the request through without a key.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await anonymous.PostAsync(urls[0], unsigned)).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 3), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var throttled = await anonymous.PostAsync(urls[0], unsigned);
        Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single()), 1, 10);
        Assert.StartsWith("Request was throttled.", (await throttled.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(urls[1], unsigned)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/observability/v2/call-logs/")).StatusCode);

        var tooBig = await anonymous.PostAsync(urls[1], new StringContent(new string(' ', 5000) + "{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("JSON limit of 4096 bytes", (await tooBig.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task JSON_bodies_and_uploads_have_separate_size_limits()
    {
        await using var host = Host(("Gateway:MaxJsonBytes", "4096"), ("Gateway:MaxUploadBytes", "200000"));
        var client = host.CreateAuthorizedClient();

        var big = Calls.Body("too-big");
        big["feedback"] = new string('x', 5000);
        var tooBig = await client.PostAsync("/observability/v1/observe/", new StringContent(big.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("JSON limit of 4096 bytes", (await tooBig.ReadJsonAsync()).GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/observability/v1/observe/", Upload("upload-ok", Wav.Tone(1.0)))).StatusCode);
        var overUpload = await client.PostAsync("/observability/v1/observe/", Upload("upload-big", Wav.Tone(15.0)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overUpload.StatusCode);
        Assert.Equal(1, (await (await client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Only_Send_Calls_takes_the_upload_limit_whatever_content_type_a_request_declares()
    {
        await using var host = Host(("Gateway:MaxJsonBytes", "4096"), ("Gateway:MaxUploadBytes", "200000"));
        var client = host.CreateAuthorizedClient();
        foreach (var path in new[] { "/test_framework/v1/aiagents/", "/test_framework/v1/metrics/", "/observability/v1/vapi/observe/" })
        {
            // Declaring multipart used to buy any endpoint the upload limit.
            var form = new MultipartFormDataContent { { new StringContent(new string('x', 5000)), "agent_name" } };
            var response = await client.PostAsync(path, form);
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Contains("JSON limit of 4096 bytes", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/observability/v1/observe/", Upload("upload-still-ok", Wav.Tone(1.0)))).StatusCode);
    }

    [Fact]
    public async Task Send_Calls_is_the_only_endpoint_that_accepts_an_upload()
    {
        // The gateway gives the upload limit by route (BodyLimits); an endpoint that starts taking multipart must be
        // added there, or its uploads stop at the JSON limit.
        await using var host = new EmbeddedHost();
        _ = host.CreateClient();
        var multipart = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Any(t => t.StartsWith("multipart/")) == true)
            .Select(e => e.RoutePattern.RawText?.TrimEnd('/'))
            .ToList();
        Assert.Equal([BodyLimits.SendCalls.Value], multipart);
    }

    [Fact]
    public async Task The_admin_key_is_checked_before_the_body_is_read_and_admin_bodies_are_small()
    {
        await using var host = Host();
        // A body the JSON binder would refuse: answered 401, so it was never read.
        var anonymous = await host.CreateClient().PostAsync("/admin/v1/organizations/", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var wrong = host.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-CEKURA-ADMIN-KEY", AdminKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await wrong.PostAsync("/admin/v1/keys/", new StringContent(new string('x', 200_000), Encoding.UTF8, "application/json"))).StatusCode);

        var big = await Admin(host).PostAsJsonAsync("/admin/v1/organizations/", new { name = new string('x', 100_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var organizations = await (await Admin(host).GetAsync("/admin/v1/organizations/")).ReadJsonAsync();
        Assert.Equal(["default"], organizations.EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_revocation_is_not_undone_by_an_authentication_that_read_the_key_before_it()
    {
        PausingKeyStore? keys = null;
        await using var host = new EmbeddedHost(
            new Dictionary<string, string?> { ["Gateway:AdminKey"] = AdminKey, ["Gateway:KeyCacheSeconds"] = "60" },
            services => services.AddSingleton<IApiKeyStore>(sp => keys = new PausingKeyStore(new SqliteApiKeyStore(sp.GetRequiredService<SqliteDatabase>()))));
        var admin = Admin(host);
        var key = await CreateKeyAsync(admin, 1, new { organization_id = 1, project_id = 1, name = "raced" });
        var client = WithKey(host, key.Key);

        var hold = keys!.Arm();
        var inFlight = client.GetAsync("/observability/v2/call-logs/");
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/admin/v1/keys/{key.Id}/revoke/", null)).StatusCode);
        hold.Release();
        // Its write-back of the last use finds the key revoked: it neither revives the key nor lets the request in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await inFlight).StatusCode);

        var stored = await host.Services.GetRequiredService<IApiKeyStore>().GetAsync(key.Id, CancellationToken.None);
        Assert.NotNull(stored!.RevokedAt);
        Assert.Null(stored.LastUsedAt);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/observability/v2/call-logs/")).StatusCode);

        // A key whose last use is recent is not written back; then the record read before the revocation must not
        // stay in the cache of the instance that revoked it (60 s here).
        var recent = await CreateKeyAsync(admin, 1, new { organization_id = 1, project_id = 1, name = "used elsewhere" });
        await using (var other = new EmbeddedHost(new Dictionary<string, string?> { ["Storage:DataDirectory"] = host.DataDirectory }))
        {
            Assert.Equal(HttpStatusCode.OK, (await WithKey(other, recent.Key).GetAsync("/observability/v2/call-logs/")).StatusCode);
        }
        var recentClient = WithKey(host, recent.Key);
        hold = keys.Arm();
        var racing = recentClient.GetAsync("/observability/v2/call-logs/");
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/admin/v1/keys/{recent.Id}/revoke/", null)).StatusCode);
        hold.Release();
        Assert.Equal(HttpStatusCode.OK, (await racing).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await recentClient.GetAsync("/observability/v2/call-logs/")).StatusCode);
    }

    [Fact]
    public async Task A_process_that_splits_gateway_and_ingest_refuses_to_start_without_the_internal_secret()
    {
        await using var ingestOnly = new EmbeddedHost(new Dictionary<string, string?> { ["Cekura:Targets"] = "ingest" });
        Assert.Contains("Gateway__InternalSecret", Assert.ThrowsAny<Exception>(() => ingestOnly.CreateClient()).ToString());
        await using var gatewayOnly = new EmbeddedHost(new Dictionary<string, string?>
        {
            ["Cekura:Targets"] = "gateway", ["Gateway:IngestUrl"] = "http://127.0.0.1:9/",
        });
        Assert.Contains("Gateway__InternalSecret", Assert.ThrowsAny<Exception>(() => gatewayOnly.CreateClient()).ToString());
    }

    [Fact]
    public async Task A_request_that_runs_past_the_timeout_gets_504()
    {
        // A real Kestrel server: the in-memory test server hands the app a request only once its body is complete.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-timeout-" + Guid.NewGuid().ToString("N"));
        await using var host = ServiceProcess.Start("all-in-one", "Cekura.AllInOne", new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = dataDirectory,
            ["Gateway__BootstrapKey"] = EmbeddedHost.ApiKey,
            ["Gateway__RequestTimeoutSeconds"] = "1",
        });
        try
        {
            await host.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = host.BaseAddress };
            client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", EmbeddedHost.ApiKey);
            // A raw socket: HttpClient buffers a request until its body is complete, so it cannot send half a body.
            var body = Encoding.UTF8.GetBytes(Calls.Body("slow-1").ToJsonString());
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
            var stream = socket.GetStream();
            var head = $"POST /observability/v1/observe/ HTTP/1.1\r\nHost: localhost\r\nX-CEKURA-API-KEY: {EmbeddedHost.ApiKey}\r\n"
                       + $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body[..(body.Length / 2)]).ToArray());
            var buffer = new byte[4096];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var response = Encoding.UTF8.GetString(buffer, 0, read);
            Assert.StartsWith("HTTP/1.1 504", response);
            // The message names the configured limit, so this 504 is the request timeout, not another failure.
            Assert.Contains("The request took longer than 1 s.", response);
            Assert.Equal(0, (await (await client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
        }
        finally
        {
            await host.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task The_gateway_CLI_creates_a_key_that_the_running_system_accepts()
    {
        await using var host = new EmbeddedHost();
        _ = host.CreateClient(); // starts the host: schema, default organisation and project
        var (status, output) = await RunGatewayCliAsync(host.DataDirectory, "keys", "create", "--org", "1", "--project", "1", "--name", "from-cli");
        Assert.True(status == 0, output);
        var key = output.Split('\n').First(l => l.StartsWith("API key")).Split(": ")[1].Trim();
        Assert.Equal(HttpStatusCode.OK, (await WithKey(host, key).GetAsync("/observability/v2/call-logs/")).StatusCode);

        var (listStatus, list) = await RunGatewayCliAsync(host.DataDirectory, "keys", "list", "--org", "1");
        Assert.Equal(0, listStatus);
        Assert.Contains("from-cli", list);
        Assert.DoesNotContain(key, list);
        var id = JsonDocument.Parse(list).RootElement.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "from-cli").GetProperty("id").GetInt64();
        Assert.Equal(0, (await RunGatewayCliAsync(host.DataDirectory, "keys", "revoke", id.ToString())).Status);
        var (badStatus, _) = await RunGatewayCliAsync(host.DataDirectory, "keys", "create", "--org", "1", "--name", "no-project");
        Assert.Equal(2, badStatus);
    }

    private static async Task<(string Key, long Id)> CreateKeyAsync(HttpClient admin, long organizationId, object request)
    {
        var response = await admin.PostAsJsonAsync("/admin/v1/keys/", request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonDocument.Parse(text).RootElement;
        Assert.Equal(organizationId, created.GetProperty("details").GetProperty("organization_id").GetInt64());
        return (created.GetProperty("key").GetString()!, created.GetProperty("details").GetProperty("id").GetInt64());
    }

    private static MultipartFormDataContent Upload(string callId, byte[] wav)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(callId), "call_id" },
            { new StringContent("1"), "agent" },
            { new StringContent(Calls.Transcript().ToJsonString()), "transcript_json" },
        };
        var file = new ByteArrayContent(wav);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "voice_recording", "call.wav");
        return form;
    }

    private static async Task<(int Status, string Output)> RunGatewayCliAsync(string dataDirectory, params string[] args)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(ServiceProcess.RepositoryRoot(), "services", "all-in-one", "bin", configuration, "net10.0", "Cekura.AllInOne.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }
}
