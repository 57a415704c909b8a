using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Tenancy;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>The embedded deployment, end to end: HTTP through the gateway, the chain on the in-memory bus, SQLite, local files.</summary>
public sealed class EmbeddedHostTests : IAsyncLifetime
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
    public async Task Json_call_through_the_gateway_reaches_evaluated_with_latency_and_interruptions()
    {
        var response = await Calls.PostCallAsync(_client, Calls.Body("call-json-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadJsonAsync();
        Assert.Equal("call-json-1", created.GetProperty("call_id").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("success").ValueKind);
        Assert.Empty(created.GetProperty("metrics").EnumerateArray());

        var done = await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("00:18", done.GetProperty("duration").GetString());
        Assert.True(done.GetProperty("success").GetBoolean());
        Assert.Equal("success", done.GetProperty("status").GetString());
        Assert.Equal("Demo agent", done.GetProperty("agent_name").GetString());
        Assert.Equal("123", done.GetProperty("metadata").GetProperty("customer_id").GetString());
        Assert.StartsWith("[00:01] Testing Agent: Hello.\n[00:03] Main Agent: Hello. How can I help?", done.GetProperty("transcript").GetString());
        var metrics = done.GetProperty("evaluation").GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        // Gaps: 3.10 - 1.94 = 1.16 s and 17.61 - 15.71 = 1.90 s.
        Assert.Equal(1530, metrics["Latency"].GetProperty("score").GetDouble(), 1);
        Assert.Equal(1160 + 0.5 * 740, metrics["Latency"].GetProperty("extra").GetProperty("p50_ms").GetDouble(), 1);
        Assert.Equal(1160 + 0.9 * 740, metrics["Latency"].GetProperty("extra").GetProperty("p90_ms").GetDouble(), 1);
        Assert.Equal(0, metrics["AI Interrupting User"].GetProperty("score").GetDouble());
        Assert.Equal(0, metrics["User Interrupting AI"].GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task Requests_without_a_valid_key_get_401_and_health_needs_none()
    {
        var anonymous = _host.CreateClient();
        var missing = await anonymous.GetAsync("/observability/v2/call-logs/");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Authentication credentials were not provided.", (await missing.ReadJsonAsync()).GetProperty("detail").GetString());

        anonymous.DefaultRequestHeaders.Add("x-cekura-api-key", EmbeddedHost.ApiKey[..^1] + "X");
        var wrong = await anonymous.PostAsJsonAsync("/observability/v1/observe/", Calls.Body("never-stored"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Invalid API key.", (await wrong.ReadJsonAsync()).GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.OK, (await _host.CreateClient().GetAsync("/health")).StatusCode);
        var lowerCaseHeader = _host.CreateClient();
        lowerCaseHeader.DefaultRequestHeaders.Add("x-cekura-api-key", EmbeddedHost.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await lowerCaseHeader.GetAsync("/observability/v2/call-logs/")).StatusCode);
        Assert.Equal(0, (await ListAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_call_store_held_by_another_writer_past_the_busy_timeout_is_a_503_with_retry_after_and_stores_nothing()
    {
        await using var host = new EmbeddedHost(new Dictionary<string, string?> { ["Storage:Sqlite:BusyTimeoutSeconds"] = "1" });
        using var client = host.CreateAuthorizedClient();
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = IngestOutcomes(host, outcomes);
        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(client, Calls.Body("before-the-lock"))).StatusCode);
        // Another process on the same file (here a connection of the test) inside a write transaction.
        await using var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "cekura.db")};Pooling=False");
        await other.OpenAsync();
        var blocking = other.BeginTransaction(deferred: false);

        var busy = await Calls.PostCallAsync(client, Calls.Body("while-locked"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
        Assert.StartsWith("The store is busy", (await busy.ReadJsonAsync()).GetProperty("detail").GetString());
        blocking.Rollback();
        // Nothing of it was stored: the same call is accepted afterwards, not a duplicate.
        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(client, Calls.Body("while-locked"))).StatusCode);
        // An operator's dashboard sees the refusal as busy, not as an accepted call or an error of the client.
        Assert.Equal(["accepted", "busy", "accepted"], outcomes.ToArray());
    }

    /// <summary>The outcome tag of every cekura.calls.ingested measurement of this host (its own meter factory's meter).</summary>
    private static System.Diagnostics.Metrics.MeterListener IngestOutcomes(EmbeddedHost host, System.Collections.Concurrent.ConcurrentQueue<string> outcomes)
    {
        var factory = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == CekuraMetrics.CallsIngested && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    outcomes.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();
        return listener;
    }

    [Fact]
    public async Task The_recording_analyses_make_room_for_the_requests_this_host_answers()
    {
        var foreground = _host.Services.GetRequiredService<Cekura.Speech.Threading.ForegroundActivity>();
        var served = foreground.Served;

        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(_client, Calls.Body("foreground-1"))).StatusCode);

        // Ingest marked the request on the one instance the transcription stage's analyzer paces itself by.
        Assert.True(foreground.Served > served);
        Assert.Same(foreground, _host.Services.GetRequiredService<Cekura.Speech.VoiceActivity.RecordingAnalyzer>().Foreground);
    }

    [Fact]
    public async Task Spoofed_tenant_headers_are_replaced_by_the_keys_tenant()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/observability/v1/observe/") { Content = JsonContent.Create(Calls.Body("spoof-1")) };
        request.Headers.Add(TenantHeaders.ProjectId, "999");
        request.Headers.Add(TenantHeaders.OrganizationId, "999");
        Assert.Equal(HttpStatusCode.Created, (await _client.SendAsync(request)).StatusCode);

        var store = _host.Services.GetRequiredService<ICallStore>();
        var page = await store.ListAsync(new CallQuery
        {
            ProjectId = 1, From = DateTimeOffset.UtcNow.AddDays(-1), To = DateTimeOffset.UtcNow.AddDays(1),
        }, CancellationToken.None);
        Assert.Equal("spoof-1", Assert.Single(page.Items).CallId);

        var withoutKey = new HttpRequestMessage(HttpMethod.Get, "/observability/v2/call-logs/");
        withoutKey.Headers.Add(TenantHeaders.ProjectId, "1");
        withoutKey.Headers.Add(TenantHeaders.OrganizationId, "1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.CreateClient().SendAsync(withoutKey)).StatusCode);
    }

    [Fact]
    public async Task Duplicate_call_id_returns_409_with_the_existing_id()
    {
        var first = await (await Calls.PostCallAsync(_client, Calls.Body("dup-1"))).ReadJsonAsync();
        var second = await Calls.PostCallAsync(_client, Calls.Body("dup-1"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var body = await second.ReadJsonAsync();
        Assert.Equal(first.GetProperty("id").GetInt64(), body.GetProperty("id").GetInt64());
        Assert.Contains("dup-1", body.GetProperty("detail").GetString());
        Assert.Equal(1, (await ListAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_each_field_and_stores_nothing()
    {
        var body = Calls.Body("bad-1");
        body["transcript_json"]!.AsArray().Add(new JsonObject { ["role"] = "agent", ["content"] = "hi" });
        body["trace_id"] = "xyz";
        var response = await Calls.PostCallAsync(_client, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await response.ReadJsonAsync();
        Assert.Equal(
            "entry 4: role 'agent' is not one of 'Main Agent', 'Testing Agent', 'Function Call', 'Function Call Result'",
            errors.GetProperty("transcript_json")[0].GetString());
        Assert.True(errors.TryGetProperty("trace_id", out _));

        // A valid recording with an invalid field: neither the call nor the file may remain.
        using var form = Multipart(Calls.Body("bad-2"), Wav.Tone(0.5));
        form.Add(new StringContent("nope"), "agent");
        var multipart = await _client.PostAsync("/observability/v1/observe/", form);
        Assert.Equal(HttpStatusCode.BadRequest, multipart.StatusCode);
        Assert.Equal("A valid integer is required.", (await multipart.ReadJsonAsync()).GetProperty("agent")[0].GetString());

        Assert.Equal(0, (await ListAsync()).GetProperty("count").GetInt64());
        var recordings = Path.Combine(_host.DataDirectory, "recordings");
        Assert.True(!Directory.Exists(recordings) || Directory.GetFiles(recordings, "*", SearchOption.AllDirectories).Length == 0);
    }

    [Fact]
    public async Task Text_that_parses_but_cannot_be_stored_is_a_400_naming_the_field_and_keeps_no_recording()
    {
        // Each arrives with a valid recording: the field must be refused before the recording is stored, not fail the
        // insert afterwards (a 500 that left the blob behind).
        var unpaired = Calls.Body("text-1");
        unpaired["metadata"] = "{\"customer\": {\"name\": \"Ann \\ud800\"}}";
        using var unpairedForm = Multipart(unpaired, Wav.Tone(0.5));
        var deep = Calls.Body("text-2");
        deep["metadata"] = string.Concat(Enumerable.Repeat("{\"a\": ", 64)) + "1" + new string('}', 64);
        using var deepForm = Multipart(deep, Wav.Tone(0.5));

        var unpairedResponse = await _client.PostAsync("/observability/v1/observe/", unpairedForm);
        var deepResponse = await _client.PostAsync("/observability/v1/observe/", deepForm);

        Assert.Equal(HttpStatusCode.BadRequest, unpairedResponse.StatusCode);
        Assert.StartsWith("The text at customer.name is not valid UTF-8",
            (await unpairedResponse.ReadJsonAsync()).GetProperty("metadata")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, deepResponse.StatusCode);
        Assert.StartsWith("Nested too deeply", (await deepResponse.ReadJsonAsync()).GetProperty("metadata")[0].GetString());

        // Raw bytes that are not UTF-8 inside a JSON body's string.
        var json = System.Text.Encoding.UTF8.GetBytes(Calls.Body("text-3").ToJsonString());
        var at = json.AsSpan().IndexOf("text-3"u8);
        json[at + 4] = 0xFF;
        var raw = new ByteArrayContent(json);
        raw.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var rawResponse = await _client.PostAsync("/observability/v1/observe/", raw);
        Assert.Equal(HttpStatusCode.BadRequest, rawResponse.StatusCode);
        Assert.StartsWith("Not valid UTF-8 text", (await rawResponse.ReadJsonAsync()).GetProperty("call_id")[0].GetString());

        Assert.Equal(0, (await ListAsync()).GetProperty("count").GetInt64());
        var recordings = Path.Combine(_host.DataDirectory, "recordings");
        Assert.True(!Directory.Exists(recordings) || Directory.GetFiles(recordings, "*", SearchOption.AllDirectories).Length == 0);
    }

    [Fact]
    public async Task Unsupported_content_type_is_415_and_malformed_json_is_400()
    {
        var text = await _client.PostAsync("/observability/v1/observe/", new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        var broken = await _client.PostAsync("/observability/v1/observe/", new StringContent("{\"call_id\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.StartsWith("JSON parse error", (await broken.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Multipart_upload_stores_the_recording_and_serves_it_back()
    {
        var wav = Wav.Tone(1.0);
        using var form = Multipart(Calls.Body("multipart-1"), wav);
        var response = await _client.PostAsync("/observability/v1/observe/", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadJsonAsync();
        var done = await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("123", done.GetProperty("metadata").GetProperty("customer_id").GetString());
        Assert.Equal(4, done.GetProperty("transcript_object").GetArrayLength());

        var url = new Uri(done.GetProperty("voice_recording_url").GetString()!);
        var recording = await _client.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, recording.StatusCode);
        Assert.Equal("audio/wav", recording.Content.Headers.ContentType!.MediaType);
        Assert.Equal(wav, await recording.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.CreateClient().GetAsync(url.PathAndQuery)).StatusCode);
    }

    [Fact]
    public async Task Urlencoded_body_maps_to_the_same_fields()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["call_id"] = "urlencoded-1",
            ["agent"] = "1",
            ["transcript_json"] = Calls.Transcript().ToJsonString(),
            ["redact_fields"] = "[]",
            ["metric_ids"] = "1,2",
            ["timestamp"] = "2026-11-20T10:15:45Z",
        });
        var response = await _client.PostAsync("/observability/v1/observe/", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadJsonAsync();
        Assert.Equal("2026-11-20T10:15:45.000000Z", created.GetProperty("timestamp").GetString());
        Assert.Equal([1L, 2L], created.GetProperty("metric_ids").EnumerateArray().Select(e => e.GetInt64()));
        await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");
    }

    [Fact]
    public async Task Agents_resolve_by_id_and_by_assistant_id_and_unknown_ones_are_400()
    {
        var created = await _client.PostAsJsonAsync("/test_framework/v1/aiagents/",
            new { agent_name = "Booking bot", description = "Books {{slot}}", assistant_id = "asst_booking" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var agent = await created.ReadJsonAsync();
        var agentId = agent.GetProperty("id").GetInt64();

        var duplicate = await _client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "Other", assistant_id = "asst_booking" });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.True((await duplicate.ReadJsonAsync()).TryGetProperty("assistant_id", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { description = "no name" })).StatusCode);

        var body = Calls.Body("by-assistant");
        body.Remove("agent");
        body["assistant_id"] = "asst_booking";
        var byAssistant = await (await Calls.PostCallAsync(_client, body)).ReadJsonAsync();
        Assert.Equal(agentId, byAssistant.GetProperty("agent").GetInt64());
        Assert.Equal("Booking bot", byAssistant.GetProperty("agent_name").GetString());

        body["call_id"] = "unknown-assistant";
        body["assistant_id"] = "asst_missing";
        var unknownAssistant = await Calls.PostCallAsync(_client, body);
        Assert.Equal(HttpStatusCode.BadRequest, unknownAssistant.StatusCode);
        Assert.True((await unknownAssistant.ReadJsonAsync()).TryGetProperty("assistant_id", out _));

        var unknownAgent = await Calls.PostCallAsync(_client, Calls.Body("unknown-agent", agent: 4242));
        Assert.Equal("Invalid pk \"4242\" - object does not exist.", (await unknownAgent.ReadJsonAsync()).GetProperty("agent")[0].GetString());

        Assert.Equal(agentId, (await (await _client.GetAsync($"/test_framework/v1/aiagents/{agentId}/")).ReadJsonAsync()).GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/test_framework/v1/aiagents/4242/")).StatusCode);
        Assert.Equal(2, (await (await _client.GetAsync("/test_framework/v1/aiagents/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Call_log_list_filters_by_search_agent_and_time_and_paginates()
    {
        var agent = await (await _client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "Second" })).ReadJsonAsync();
        var secondAgent = agent.GetProperty("id").GetInt64();
        var alphaIds = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var created = await Calls.PostCallAsync(_client, Calls.Body($"alpha-{i}"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            alphaIds.Add((await created.ReadJsonAsync()).GetProperty("id").GetInt64());
        }
        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(_client, Calls.Body("BETA-1", secondAgent))).StatusCode);
        var old = Calls.Body("old-1");
        old["timestamp"] = DateTimeOffset.UtcNow.AddDays(-40).ToString("O");
        Assert.Equal(HttpStatusCode.Created, (await Calls.PostCallAsync(_client, old)).StatusCode);

        Assert.Equal(4, (await ListAsync()).GetProperty("count").GetInt64());
        Assert.Equal(3, (await ListAsync("search=ALPHA")).GetProperty("count").GetInt64());
        Assert.Equal("BETA-1", (await ListAsync("search=beta")).GetProperty("results")[0].GetProperty("call_id").GetString());
        Assert.Equal(1, (await ListAsync($"agent_id={secondAgent}")).GetProperty("count").GetInt64());
        // call_ids are CallLog ids, as in Cekura's API; the provider's call_id is matched by search.
        var byIds = await ListAsync($"call_ids={alphaIds[0]},{alphaIds[2]}");
        Assert.Equal(["alpha-2", "alpha-0"], byIds.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("call_id").GetString()));
        Assert.True((await ListAsync("call_ids=alpha-0,alpha-2")).TryGetProperty("call_ids", out _));

        var from = DateTimeOffset.UtcNow.AddDays(-45).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var to = DateTimeOffset.UtcNow.AddDays(-35).ToString("yyyy-MM-ddTHH:mm:ssZ");
        Assert.Equal("old-1", (await ListAsync($"timestamp_from={from}&timestamp_to={to}")).GetProperty("results")[0].GetProperty("call_id").GetString());
        var tooWide = await _client.GetAsync($"/observability/v2/call-logs/?timestamp_from={from}");
        Assert.Equal(HttpStatusCode.BadRequest, tooWide.StatusCode);
        Assert.True((await tooWide.ReadJsonAsync()).TryGetProperty("timestamp_from", out _));

        var page1 = await ListAsync("page_size=3");
        Assert.Equal(3, page1.GetProperty("results").GetArrayLength());
        var next = new Uri(page1.GetProperty("next").GetString()!);
        var page2 = await (await _client.GetAsync(next.PathAndQuery)).ReadJsonAsync();
        Assert.Equal(1, page2.GetProperty("results").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("next").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, page2.GetProperty("previous").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/observability/v2/call-logs/?project_id=2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/observability/v2/call-logs/987654/")).StatusCode);
    }

    [Fact]
    public async Task A_call_asking_for_redaction_never_shows_its_transcript_before_redaction()
    {
        var body = Calls.Body("redact-1");
        body["redact_fields"] = new JsonArray("person_name", "phone_number");
        var created = await (await Calls.PostCallAsync(_client, body)).ReadJsonAsync();
        Assert.Equal(JsonValueKind.Null, created.GetProperty("transcript").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("transcript_object").ValueKind);

        // Once redaction ran, the (redacted) transcript is shown; this one held no names or numbers to replace.
        var done = await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");
        Assert.True(done.GetProperty("processing_stage").GetString() == "evaluated", done.ToString());
        Assert.StartsWith("[00:01] Testing Agent: Hello.", done.GetProperty("transcript").GetString());
        Assert.Equal(0, done.GetProperty("redaction").GetProperty("transcript_spans").GetInt32());
    }

    [Fact]
    public async Task The_outbox_relay_publishes_an_event_lost_between_store_and_publish()
    {
        // A call stored with its CallReceived still owed, as if the process had died right after the write.
        var store = _host.Services.GetRequiredService<ICallStore>();
        var now = DateTimeOffset.UtcNow;
        var stored = await store.InsertAsync(new CallLog
        {
            OrganizationId = 1, ProjectId = 1, CallId = "crashed-before-publish", AgentId = 1, AgentName = "Demo agent",
            Timestamp = now, TranscriptType = "cekura", Stage = CallStage.Received, StageChangedAt = now.AddSeconds(-30),
            CreatedAt = now, UpdatedAt = now,
            TranscriptObject =
            [
                new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Hi", StartTime = 0, EndTime = 1 },
                new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Hello", StartTime = 1.5, EndTime = 2 },
            ],
        }, CancellationToken.None);

        var done = await Calls.WaitForStageAsync(_client, stored.Id, "evaluated", TimeSpan.FromSeconds(90));
        Assert.Equal(500, done.GetProperty("metrics")[0].GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_public_paths()
    {
        var response = await _host.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadJsonAsync()).GetProperty("paths");
        foreach (var path in new[] { "/observability/v1/observe/", "/observability/v2/call-logs/", "/observability/v2/call-logs/{id}/", "/test_framework/v1/aiagents/" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }
    }

    [Theory]
    [InlineData("vapi", """[{"role": "bot", "message": "Thanks for calling, how can I help?", "time": 0.4}, {"role": "user", "message": "I need to book a table.", "time": 3.2}]""")]
    [InlineData("retell", """[{"role": "agent", "content": "Hello there", "words": [{"word": "Hello", "start": 0.5, "end": 0.9}, {"word": "there", "start": 0.9, "end": 1.3}]}, {"role": "user", "content": "Hi", "words": [{"word": "Hi", "start": 2.0, "end": 2.4}]}]""")]
    [InlineData("deepgram", """{"metadata": {"duration": 4.0, "channels": 1}, "results": {"utterances": [{"start": 0.2, "end": 1.5, "channel": 0, "speaker": 0, "transcript": "Thank you for calling Acme, how can I help?"}, {"start": 2.0, "end": 3.1, "channel": 0, "speaker": 1, "transcript": "I want to check my order."}]}}""")]
    public async Task Provider_transcripts_are_normalized_and_processed(string transcriptType, string transcript)
    {
        var body = Calls.Body($"provider-{transcriptType}");
        body["transcript_type"] = transcriptType;
        body["transcript_json"] = JsonNode.Parse(transcript);
        var response = await Calls.PostCallAsync(_client, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var done = await Calls.WaitForStageAsync(_client, (await response.ReadJsonAsync()).GetProperty("id").GetInt64(), "evaluated");
        var entries = done.GetProperty("transcript_object").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("Main Agent", entries[0].GetProperty("role").GetString());
        Assert.Equal("Testing Agent", entries[1].GetProperty("role").GetString());
        Assert.StartsWith("[00:00] Main Agent: ", done.GetProperty("transcript").GetString());
        // Only Deepgram has to decide who the agent is; the call records which rule did.
        Assert.Equal(transcriptType == "deepgram" ? "greeting" : null, done.GetProperty("agent_speaker_rule").GetString());
    }

    [Fact]
    public async Task A_vapi_transcript_sent_as_cekura_is_a_400_naming_the_type_to_use()
    {
        var body = Calls.Body("wrong-type");
        body["transcript_json"] = JsonNode.Parse("""[{"role": "bot", "message": "Hi", "time": 1700000000000, "secondsFromStart": 0.5}]""");
        var response = await Calls.PostCallAsync(_client, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("this looks like a vapi transcript, not cekura: set transcript_type to \"vapi\"",
            (await response.ReadJsonAsync()).GetProperty("transcript_json")[0].GetString());
    }

    private async Task<JsonElement> ListAsync(string query = "") =>
        await (await _client.GetAsync($"/observability/v2/call-logs/?{query}")).ReadJsonAsync();

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
}
