using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cekura.Contracts.Tenancy;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Gateway.ApiKeys;
using Cekura.Contracts.Metrics;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Traces;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// A voice agent's own spans: exported to <c>POST /v1/traces</c> on the gateway (the OpenTelemetry .NET SDK's OTLP
/// exporter, protobuf over HTTP; hand-written OTLP/JSON), linked to a call by its <c>trace_id</c>, read back with
/// <c>GET /observability/v1/call-logs/{id}/trace/</c>.
/// </summary>
public sealed class AgentTraceTests(AgentTraceTests.HostFixture fixture) : IClassFixture<AgentTraceTests.HostFixture>
{
    /// <summary>One embedded host for the class: every test works in traces and calls of its own.</summary>
    public sealed class HostFixture : IAsyncLifetime
    {
        public EmbeddedHost Host { get; } = new();

        public Task InitializeAsync() => Task.CompletedTask;

        public Task DisposeAsync() => Host.DisposeAsync().AsTask();
    }

    private readonly EmbeddedHost _host = fixture.Host;

    private const string Protobuf = "application/x-protobuf";

    [Fact]
    public async Task Spans_exported_with_the_OpenTelemetry_SDK_are_read_back_through_the_call_naming_their_trace()
    {
        var client = _host.CreateAuthorizedClient();
        var traceId = ExportConversation(client, EmbeddedHost.ApiKey, "sdk");

        var callId = await PostCallAsync(client, "sdk-traced", traceId);
        var trace = await ReadTraceAsync(client, callId);

        Assert.Equal(traceId, trace.GetProperty("trace_id").GetString());
        Assert.Equal(0, trace.GetProperty("dropped_spans").GetInt64());
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(["conversation", "stt", "llm", "tool_call", "tts"], spans.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["conversation", "stt", "llm", "tool_call", "tts"], spans.Select(s => s.GetProperty("kind").GetString()));
        var root = spans[0];
        Assert.Equal(JsonValueKind.Null, root.GetProperty("parent_span_id").ValueKind);
        Assert.All(spans.Skip(1), s => Assert.Equal(root.GetProperty("span_id").GetString(), s.GetProperty("parent_span_id").GetString()));
        Assert.All(spans, s => Assert.Equal("voice-agent-under-test", s.GetProperty("service").GetString()));

        var llm = spans[2];
        // Sent as an integer and as the text "17": both stored as integers, as Cekura documents the token counts.
        Assert.Equal(120, llm.GetProperty("attributes").GetProperty("gen_ai.usage.input_tokens").GetInt64());
        Assert.Equal(JsonValueKind.Number, llm.GetProperty("attributes").GetProperty("gen_ai.usage.output_tokens").ValueKind);
        Assert.Equal(17, llm.GetProperty("attributes").GetProperty("gen_ai.usage.output_tokens").GetInt64());
        Assert.Equal("gpt-4o-mini", llm.GetProperty("attributes").GetProperty("gen_ai.request.model").GetString());
        Assert.True(llm.GetProperty("duration_ms").GetDouble() >= 40, llm.ToString());
        Assert.Equal(0.93, spans[1].GetProperty("attributes").GetProperty("stt.confidence").GetDouble(), 6);
        Assert.Equal("error", spans[3].GetProperty("status").GetProperty("code").GetString());
        Assert.Equal("lookup timed out", spans[3].GetProperty("status").GetProperty("message").GetString());
        Assert.Equal(42, spans[4].GetProperty("attributes").GetProperty("tts.characters").GetInt64());
        var start = DateTimeOffset.Parse(llm.GetProperty("start_time").GetString()!);
        var end = DateTimeOffset.Parse(llm.GetProperty("end_time").GetString()!);
        Assert.Equal((end - start).TotalMilliseconds, llm.GetProperty("duration_ms").GetDouble(), 3);
    }

    [Fact]
    public async Task A_gzipped_json_export_is_stored_and_exporting_it_again_replaces_rather_than_duplicates()
    {
        var client = _host.CreateAuthorizedClient();
        var traceId = NewTraceId();
        var body = JsonExport(traceId, ("1111111111111111", null, "conversation", 0, 2_000), ("2222222222222222", "1111111111111111", "llm", 100, 900));

        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync("/v1/traces", Gzip(body, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        }

        var trace = await ReadTraceAsync(client, await PostCallAsync(client, "json-traced", traceId));
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(2, spans.Count);
        Assert.Equal(800, spans[1].GetProperty("duration_ms").GetDouble(), 6);
        Assert.Equal("2026-12-01T10:00:00.1000000Z", spans[1].GetProperty("start_time").GetString());
        Assert.Equal(3, spans[1].GetProperty("attributes").GetProperty("gen_ai.usage.input_tokens").GetInt64());
        Assert.Equal(1.5, spans[1].GetProperty("attributes").GetProperty("custom.ratio").GetDouble());
    }

    [Fact]
    public async Task Spans_with_bad_ids_are_reported_as_a_partial_success_in_the_requests_encoding()
    {
        var client = _host.CreateAuthorizedClient();
        var traceId = NewTraceId();
        var body = JsonExport(traceId, ("1111111111111111", null, "conversation", 0, 10), ("not-hex", null, "stt", 0, 5));

        using var response = await client.PostAsync("/v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadJsonAsync();
        Assert.Equal("1", answer.GetProperty("partialSuccess").GetProperty("rejectedSpans").GetString());
        Assert.Contains("span_id", answer.GetProperty("partialSuccess").GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Refused_exports_get_OTLPs_status_codes_with_a_status_body()
    {
        var anonymous = _host.CreateClient();
        var client = _host.CreateAuthorizedClient();
        var valid = Encoding.UTF8.GetBytes(JsonExport(NewTraceId(), ("1111111111111111", null, "conversation", 0, 10)));

        await AssertRefusedAsync(HttpStatusCode.Unauthorized, await anonymous.PostAsync("/v1/traces", Bytes(valid, "application/json")), json: true);
        var wrongKey = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = Bytes([], Protobuf) };
        wrongKey.Headers.Add(ApiKeyMiddleware.HeaderName, "ck_live_notAKeyWeKnow000000000000000000000");
        await AssertRefusedAsync(HttpStatusCode.Unauthorized, await anonymous.SendAsync(wrongKey), json: false);
        await AssertRefusedAsync(HttpStatusCode.UnsupportedMediaType, await client.PostAsync("/v1/traces", Bytes(valid, "text/plain")), json: false);
        // Field 1 announced as 100 bytes long with 2 bytes left: truncated protobuf.
        await AssertRefusedAsync(HttpStatusCode.BadRequest, await client.PostAsync("/v1/traces", Bytes([0x0A, 100, 1, 2], Protobuf)), json: false);
        await AssertRefusedAsync(HttpStatusCode.BadRequest, await client.PostAsync("/v1/traces", Bytes("{\"resourceSpans\": 7}"u8.ToArray(), "application/json")), json: true);
        await AssertRefusedAsync(HttpStatusCode.BadRequest, await client.PostAsync("/v1/traces", Bytes("not json"u8.ToArray(), "application/json")), json: true);
        var notGzip = Bytes(valid, "application/json");
        notGzip.Headers.ContentEncoding.Add("gzip");
        await AssertRefusedAsync(HttpStatusCode.BadRequest, await client.PostAsync("/v1/traces", notGzip), json: true);

        // Over Traces:MaxBodyBytes (4 MiB), declared, streamed without a length (chunked), and expanding from gzip.
        var tooLarge = new byte[4 * 1024 * 1024 + 1];
        await AssertRefusedAsync(HttpStatusCode.RequestEntityTooLarge, await client.PostAsync("/v1/traces", Bytes(tooLarge, Protobuf)), json: false);
        await AssertRefusedAsync(HttpStatusCode.RequestEntityTooLarge, await client.PostAsync("/v1/traces", new ChunkedContent(tooLarge, Protobuf)), json: false);
        await AssertRefusedAsync(HttpStatusCode.RequestEntityTooLarge, await client.PostAsync("/v1/traces", Gzip(Encoding.UTF8.GetString(tooLarge), "application/json")), json: true);
    }

    [Fact]
    public async Task A_key_over_its_rate_limit_gets_429_with_Retry_After()
    {
        var (key, _) = await NewProjectKeyAsync(rateLimitPerMinute: 1, burst: 1);
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyMiddleware.HeaderName, key);
        var body = JsonExport(NewTraceId(), ("1111111111111111", null, "conversation", 0, 10));

        using var first = await client.PostAsync("/v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
        using var second = await client.PostAsync("/v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertRefusedAsync(HttpStatusCode.TooManyRequests, second, json: true);
        Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), second.Headers.ToString());
    }

    [Fact]
    public async Task Another_projects_spans_of_the_same_trace_id_stay_in_their_project()
    {
        var mine = _host.CreateAuthorizedClient();
        var (otherKey, _) = await NewProjectKeyAsync();
        var theirs = _host.CreateClient();
        theirs.DefaultRequestHeaders.Add(ApiKeyMiddleware.HeaderName, otherKey);
        var traceId = ExportConversation(mine, EmbeddedHost.ApiKey, "mine");
        var myCall = await PostCallAsync(mine, "isolated-mine", traceId);
        // The other project exports a span into the same trace id and posts its own call naming it.
        using (var export = await theirs.PostAsync("/v1/traces", new StringContent(
                   JsonExport(traceId, ("7777777777777777", null, "intruder", 0, 10)), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        }
        var agent = await CreateAgentAsync(theirs);
        var theirCall = await PostCallAsync(theirs, "isolated-theirs", traceId, agent);

        var myTrace = await ReadTraceAsync(mine, myCall);
        var theirTrace = await ReadTraceAsync(theirs, theirCall);

        Assert.DoesNotContain(myTrace.GetProperty("spans").EnumerateArray(), s => s.GetProperty("name").GetString() == "intruder");
        Assert.Equal(["intruder"], theirTrace.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        using var foreign = await theirs.GetAsync($"/observability/v1/call-logs/{myCall}/trace/");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("Not found.", (await foreign.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Late_spans_send_an_evaluated_call_back_to_evaluation_once_for_its_span_metrics()
    {
        var metric = PredefinedMetrics.LlmLatency;
        var client = _host.CreateAuthorizedClient();
        var traceId = NewTraceId();
        var body = Calls.Body($"late-spans-{Guid.NewGuid():N}");
        body["trace_id"] = traceId;
        body["metric_ids"] = metric.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var created = await Calls.PostCallAsync(client, body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        await Calls.WaitForStageAsync(client, id, "evaluated");
        var store = _host.Services.GetRequiredService<ICallStore>();
        var evaluated = (await store.GetAsync(1, id, CancellationToken.None))!;
        var before = evaluated.EvaluationCount;
        Assert.Null(evaluated.Metrics.Single(m => m.Id == metric.Id).Score); // no span had arrived yet

        // An exporter's burst: three batches of the same trace.
        foreach (var span in new[] { "1111111111111111", "2222222222222222", "3333333333333333" })
        {
            using var export = await client.PostAsync("/v1/traces", new StringContent(
                JsonExport(traceId, (span, null, "llm", 0, 400)), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        }

        var after = await Eventually.UntilAsync(
            () => store.GetAsync(1, id, CancellationToken.None),
            c => c!.EvaluationCount > before && c.Stage == Cekura.Contracts.Calls.CallStage.Evaluated,
            c => $"call {id}: stage {c!.Stage}, evaluations {c.EvaluationCount} (was {before})");
        Assert.Equal(before + 1, after!.EvaluationCount);
        // The re-evaluation read the late spans from the store: three 400 ms "llm" spans.
        Assert.Equal(400, after.Metrics.Single(m => m.Id == metric.Id).Score);
    }

    [Fact]
    public async Task Late_spans_stored_just_before_a_restart_still_re_evaluate_their_call_and_only_once()
    {
        var metric = PredefinedMetrics.LlmLatency;
        var traceId = NewTraceId();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-e2e-" + Guid.NewGuid().ToString("N"));
        try
        {
            long id;
            int before;
            // The first process would wait an hour for the trace to fall quiet; it stops long before that.
            await using (var first = new EmbeddedHost(new Dictionary<string, string?>
                         {
                             ["Storage:DataDirectory"] = dataDirectory, ["Traces:ReevaluationDelaySeconds"] = "3600",
                         }))
            {
                var client = first.CreateAuthorizedClient();
                var body = Calls.Body($"restart-late-spans-{Guid.NewGuid():N}");
                body["trace_id"] = traceId;
                body["metric_ids"] = metric.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                using var created = await Calls.PostCallAsync(client, body);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
                await Calls.WaitForStageAsync(client, id, "evaluated");
                before = (await first.Services.GetRequiredService<ICallStore>().GetAsync(1, id, CancellationToken.None))!.EvaluationCount;
                using var export = await client.PostAsync("/v1/traces", new StringContent(
                    JsonExport(traceId, ("1111111111111111", null, "llm", 0, 400)), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            }

            await using var second = new EmbeddedHost(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = dataDirectory, ["Traces:ReevaluationDelaySeconds"] = "0.2",
            });
            var store = second.Services.GetRequiredService<ICallStore>();
            var after = await Eventually.UntilAsync(
                () => store.GetAsync(1, id, CancellationToken.None),
                c => c!.EvaluationCount > before && c.Stage == Cekura.Contracts.Calls.CallStage.Evaluated,
                c => $"call {id}: stage {c!.Stage}, evaluations {c.EvaluationCount} (was {before})");
            Assert.Equal(400, after!.Metrics.Single(m => m.Id == metric.Id).Score);

            // A crash between the call's write and the trace's settle leaves the trace owed for the same spans: it
            // is claimed again, and the call (which records the arrival it was re-evaluated for) is left alone.
            var database = Path.Combine(dataDirectory, "cekura.db");
            Assert.Equal(1, await TraceSqlAsync(database, traceId, "UPDATE agent_traces SET owed = 1, claimed_until = NULL WHERE trace_id = $trace"));
            await Eventually.UntilAsync(
                () => TraceSqlAsync(database, traceId, "SELECT count(*) FROM agent_traces WHERE trace_id = $trace AND owed IS NULL"),
                settled => settled == 1, _ => $"trace {traceId} is still owed");
            var final = (await store.GetAsync(1, id, CancellationToken.None))!;
            Assert.Equal((before + 1, Cekura.Contracts.Calls.CallStage.Evaluated), (final.EvaluationCount, final.Stage));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<long> TraceSqlAsync(string database, string traceId, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Default Timeout=30");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$trace", traceId);
        return sql.StartsWith("SELECT", StringComparison.Ordinal)
            ? (long)(await command.ExecuteScalarAsync())!
            : await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_call_whose_trace_has_no_spans_is_404_saying_so()
    {
        var client = _host.CreateAuthorizedClient();
        var callId = await PostCallAsync(client, "untraced", NewTraceId());

        using var response = await client.GetAsync($"/observability/v1/call-logs/{callId}/trace/");
        using var missing = await client.GetAsync("/observability/v1/call-logs/987654321/trace/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No spans of trace", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>
    /// A voice agent's turn as the OpenTelemetry SDK exports it: conversation → stt, llm, tool_call, tts, each span
    /// started and stopped for real, flushed to the gateway's <c>/v1/traces</c> by the OTLP exporter (protobuf over HTTP).
    /// </summary>
    private string ExportConversation(HttpClient client, string key, string tag)
    {
        var sourceName = $"voice-agent-{tag}-{Guid.NewGuid():N}";
        var answers = new Answers();
        using var source = new ActivitySource(sourceName);
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .SetSampler(new AlwaysOnSampler())
            .ConfigureResource(r => r.AddService("voice-agent-under-test"))
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = new Uri(client.BaseAddress!, "/v1/traces");
                o.Headers = $"x-cekura-api-key={key}";
                o.ExportProcessorType = ExportProcessorType.Batch;
                // The SDK's 10 s default is short for a first request to a host still warming up on a loaded CI box.
                o.TimeoutMilliseconds = 120_000;
                o.HttpClientFactory = () => new HttpClient(answers.Wrap(_host.Server.CreateHandler())) { BaseAddress = client.BaseAddress };
            })
            .Build()!;

        string traceId;
        using (var root = source.StartActivity("conversation", ActivityKind.Server, default(ActivityContext))!)
        {
            traceId = root.TraceId.ToHexString();
            Child(source, "stt", a => a.SetTag("stt.provider", "deepgram").SetTag("stt.transcript", "book a table").SetTag("stt.confidence", 0.93));
            Child(source, "llm", a => a.SetTag("gen_ai.system", "openai").SetTag("gen_ai.request.model", "gpt-4o-mini")
                .SetTag("gen_ai.usage.input_tokens", 120).SetTag("gen_ai.usage.output_tokens", "17"));
            Child(source, "tool_call", a => a.SetTag("function.name", "find_table").SetTag("function.input", "{\"party\":2}")
                .SetStatus(ActivityStatusCode.Error, "lookup timed out"));
            Child(source, "tts", a => a.SetTag("tts.provider", "elevenlabs").SetTag("tts.characters", 42));
        }
        // Shutdown, not ForceFlush: it returns only once the batch exporter's thread has finished sending.
        Assert.True(provider.Shutdown(150_000), "The OTLP exporter did not shut down within 150 s.");
        // The exporter logs a failure and carries on; what the receiver answered it is the proof.
        Assert.Equal([HttpStatusCode.OK], answers.Statuses);
        return traceId;
    }

    // Each child lasts a measurable while, so start times order them and durations are not zero.
    private static void Child(ActivitySource source, string name, Action<Activity> tag)
    {
        using var activity = source.StartActivity(name)!;
        tag(activity);
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.Sleep(5);
        }
    }

    private static async Task<long> PostCallAsync(HttpClient client, string callId, string traceId, long agent = 1)
    {
        var body = Calls.Body($"{callId}-{Guid.NewGuid():N}", agent);
        body["trace_id"] = traceId;
        using var response = await Calls.PostCallAsync(client, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> ReadTraceAsync(HttpClient client, long callId)
    {
        using var response = await client.GetAsync($"/observability/v1/call-logs/{callId}/trace/");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static async Task<long> CreateAgentAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/test_framework/v1/aiagents/",
            new StringContent("""{"agent_name": "trace bot"}""", Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private async Task<(string Key, long ProjectId)> NewProjectKeyAsync(int? rateLimitPerMinute = null, int? burst = null)
    {
        var project = 1000 + Interlocked.Increment(ref _projects);
        var key = ApiKeyHasher.Generate();
        await _host.Services.GetRequiredService<IApiKeyStore>().AddAsync(new ApiKeyRecord
        {
            OrganizationId = project,
            ProjectId = project,
            Name = $"trace tenant {project}",
            Prefix = ApiKeyHasher.VisiblePrefix(key),
            HashHex = ApiKeyHasher.HashHex(key),
            CreatedAt = DateTimeOffset.UtcNow,
            RateLimitPerMinute = rateLimitPerMinute,
            RateLimitBurst = burst,
        }, CancellationToken.None);
        return (key, project);
    }

    private static int _projects;

    private static async Task AssertRefusedAsync(HttpStatusCode expected, HttpResponseMessage response, bool json)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        if (json)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var status = JsonDocument.Parse(bytes);
            Assert.False(string.IsNullOrEmpty(status.RootElement.GetProperty("message").GetString()));
            Assert.True(status.RootElement.GetProperty("code").GetInt32() > 0);
            return;
        }
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        // google.rpc.Status: 1 code (varint), 2 message (string).
        var input = new CodedInputStream(bytes);
        Assert.Equal(WireFormat.MakeTag(1, WireFormat.WireType.Varint), input.ReadTag());
        Assert.True(input.ReadInt32() > 0);
        Assert.Equal(WireFormat.MakeTag(2, WireFormat.WireType.LengthDelimited), input.ReadTag());
        Assert.False(string.IsNullOrEmpty(input.ReadString()));
    }

    private static string NewTraceId() => ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>OTLP/JSON as an exporter writes it: hex ids, integer enums, nanoseconds as strings, camelCase keys.</summary>
    private static string JsonExport(string traceId, params (string SpanId, string? Parent, string Name, long StartMs, long EndMs)[] spans)
    {
        var origin = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        return JsonSerializer.Serialize(new
        {
            resourceSpans = new[]
            {
                new
                {
                    resource = new { attributes = new[] { new { key = "service.name", value = new { stringValue = "json-agent" } } } },
                    scopeSpans = new[]
                    {
                        new
                        {
                            scope = new { name = "hand-written" },
                            spans = spans.Select(s => new Dictionary<string, object?>
                            {
                                ["traceId"] = traceId,
                                ["spanId"] = s.SpanId,
                                ["parentSpanId"] = s.Parent ?? "",
                                ["name"] = s.Name,
                                ["kind"] = 1,
                                ["startTimeUnixNano"] = (origin + s.StartMs * 1_000_000).ToString(),
                                ["endTimeUnixNano"] = (origin + s.EndMs * 1_000_000).ToString(),
                                ["attributes"] = new object[]
                                {
                                    new { key = "gen_ai.usage.input_tokens", value = new { intValue = "3" } },
                                    new { key = "custom.ratio", value = new { doubleValue = 1.5 } },
                                },
                                ["status"] = new { code = 1 },
                            }).ToArray(),
                        },
                    },
                },
            },
        });
    }

    private static ByteArrayContent Bytes(byte[] body, string type)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static ByteArrayContent Gzip(string body, string type)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(body));
        }
        var content = Bytes(buffer.ToArray(), type);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    /// <summary>What the receiver answered the exporter's requests.</summary>
    private sealed class Answers
    {
        private readonly List<HttpStatusCode> _statuses = [];

        public IReadOnlyList<HttpStatusCode> Statuses
        {
            get
            {
                lock (_statuses)
                {
                    return [.. _statuses];
                }
            }
        }

        public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Recorder(this) { InnerHandler = inner };

        // The exporter sends synchronously from its batch thread; the in-memory test server only answers asynchronously.
        private sealed class Recorder(Answers answers) : DelegatingHandler
        {
            protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
                SendAsync(request, cancellationToken).GetAwaiter().GetResult();

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var response = await base.SendAsync(request, cancellationToken);
                lock (answers._statuses)
                {
                    answers._statuses.Add(response.StatusCode);
                }
                return response;
            }
        }
    }

    /// <summary>A body sent without a Content-Length (chunked transfer).</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _body;

        public ChunkedContent(byte[] body, string type)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue(type);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < _body.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(_body.AsMemory(offset, Math.Min(64 * 1024, _body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
