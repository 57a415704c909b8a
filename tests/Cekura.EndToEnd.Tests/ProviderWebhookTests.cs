using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cekura.Contracts.Tenancy;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Gateway.ApiKeys;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Cekura.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>The providers' native post-call webhooks, ingested like Send Calls through the gateway.</summary>
public sealed class ProviderWebhookTests : IAsyncLifetime
{
    // These tests check what is read from each body; the URLs in them are not fetched (RecordingUrlTests covers fetching).
    private readonly EmbeddedHost _host = new(new Dictionary<string, string?> { ["RecordingFetch:Enabled"] = "false" });
    private readonly Dictionary<string, long> _agents = [];
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _host.CreateAuthorizedClient();
        foreach (var (name, assistant, secret) in new[]
                 {
                     ("Vapi bot", "asst_vapi", (string?)null), ("Retell bot", "agent_retell", null), ("ElevenLabs bot", "el_agent", null),
                     ("Signed Retell bot", "agent_signed", "key_retell_secret"), ("Signed ElevenLabs bot", "el_signed", "wsec_eleven"),
                     ("Signed Vapi bot", "asst_signed", "vapi-shared-secret"),
                 })
        {
            var response = await _client.PostAsJsonAsync("/test_framework/v1/aiagents/",
                new { agent_name = name, assistant_id = assistant, provider_webhook_secret = secret });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            _agents[assistant] = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private const string VapiReport = """
        {"message": {"type": "end-of-call-report", "endedReason": "customer-ended-call",
          "startedAt": "2026-11-20T10:00:00.000Z", "endedAt": "2026-11-20T10:00:30.000Z",
          "customer": {"number": "+14155550100"},
          "call": {"id": "vapi-call-1", "assistantId": "asst_vapi", "metadata": {"crm_id": "42"}},
          "artifact": {"recording": {"stereoUrl": "https://storage.example.com/stereo.wav", "mono": {"combinedUrl": "https://storage.example.com/mono.wav"}},
            "messages": [
              {"role": "system", "message": "You are a booking assistant.", "time": 1795168800000, "secondsFromStart": 0},
              {"role": "bot", "message": "Hi, thanks for calling.", "time": 1795168800500, "endTime": 1795168802000, "secondsFromStart": 0.5},
              {"role": "user", "message": "I'd like to book a table.", "time": 1795168803000, "endTime": 1795168804500, "secondsFromStart": 3.0}]}}}
        """;

    [Fact]
    public async Task A_vapi_end_of_call_report_becomes_a_call_with_its_fields()
    {
        var result = await PostAsync("vapi", VapiReport);
        Assert.Equal("ingested", result.GetProperty("status").GetString());
        var call = await Calls.WaitForStageAsync(_client, result.GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("vapi-call-1", call.GetProperty("call_id").GetString());
        Assert.Equal("Vapi bot", call.GetProperty("agent_name").GetString());
        Assert.Equal("customer-ended-call", call.GetProperty("call_ended_reason").GetString());
        Assert.Equal("+14155550100", call.GetProperty("customer_number").GetString());
        Assert.Equal("2026-11-20T10:00:00.000000Z", call.GetProperty("timestamp").GetString());
        Assert.Equal("https://storage.example.com/stereo.wav", call.GetProperty("source_recording_url").GetString());
        Assert.Equal("42", call.GetProperty("metadata").GetProperty("crm_id").GetString());
        Assert.Equal("2026-11-20T10:00:30.000Z", call.GetProperty("metadata").GetProperty("ended_at").GetString());
        Assert.Equal("vapi", call.GetProperty("transcript_type").GetString());
        Assert.Equal(2, call.GetProperty("transcript_object").GetArrayLength());

        var again = await PostAsync("vapi", VapiReport);
        Assert.Equal("duplicate", again.GetProperty("status").GetString());
        Assert.Equal(result.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Events_that_are_not_end_of_call_are_answered_200_and_store_nothing()
    {
        var vapi = await PostAsync("vapi", """{"message": {"type": "status-update", "status": "in-progress", "call": {"id": "c"}}}""");
        Assert.Equal("ignored", vapi.GetProperty("status").GetString());
        var retell = await PostAsync("retell", """{"event": "call_started", "call": {"call_id": "r"}}""");
        Assert.Equal("ignored", retell.GetProperty("status").GetString());
        var eleven = await PostAsync("elevenlabs", """{"type": "call_initiation_failure", "data": {"agent_id": "el_agent"}}""");
        Assert.Equal("ignored", eleven.GetProperty("status").GetString());
        Assert.Equal(0, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Retell_call_ended_then_call_analyzed_make_one_call_with_the_analysis()
    {
        var ended = await PostAsync("retell", RetellEvent("call_ended", "agent_retell", analysis: null));
        var id = ended.GetProperty("id").GetInt64();
        var analyzed = await PostAsync("retell", RetellEvent("call_analyzed", "agent_retell", """{"call_summary": "Booked a table.", "user_sentiment": "Positive"}"""));
        Assert.Equal("duplicate", analyzed.GetProperty("status").GetString());
        Assert.Equal(id, analyzed.GetProperty("id").GetInt64());
        await PostAsync("retell", RetellEvent("call_analyzed", "agent_retell", """{"call_summary": "Booked a table.", "user_sentiment": "Positive"}"""));

        var call = await Calls.WaitForStageAsync(_client, id, "evaluated");
        Assert.Equal("user_hangup", call.GetProperty("call_ended_reason").GetString());
        Assert.Equal("+14155550111", call.GetProperty("customer_number").GetString());
        Assert.Equal("https://retell.example.com/multi.wav", call.GetProperty("source_recording_url").GetString());
        Assert.Equal("Booked a table.", call.GetProperty("metadata").GetProperty("call_analysis").GetProperty("call_summary").GetString());
        Assert.Equal("Retell bot", call.GetProperty("agent_name").GetString());
        Assert.Equal(1, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task ElevenLabs_transcription_then_audio_attaches_the_recording()
    {
        var audio = await TestAudio.EncodeAsync("mp3", seconds: 2);
        var early = await _client.PostAsync("/observability/v1/elevenlabs/observe/", Json(ElevenLabsAudio("conv_1", audio)));
        Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);

        var result = await PostAsync("elevenlabs", ElevenLabsTranscription("conv_1", "el_agent"));
        Assert.Equal("ingested", result.GetProperty("status").GetString());
        var attached = await PostAsync("elevenlabs", ElevenLabsAudio("conv_1", audio));
        Assert.Equal("recording_attached", attached.GetProperty("status").GetString());
        Assert.Equal("duplicate", (await PostAsync("elevenlabs", ElevenLabsAudio("conv_1", audio))).GetProperty("status").GetString());

        var call = await Calls.WaitForStageAsync(_client, result.GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("end_call tool", call.GetProperty("call_ended_reason").GetString());
        Assert.Equal("+14155550122", call.GetProperty("customer_number").GetString());
        Assert.Equal("2026-11-20T10:00:00.000000Z", call.GetProperty("timestamp").GetString());
        var recording = await _client.GetAsync(new Uri(call.GetProperty("voice_recording_url").GetString()!).PathAndQuery);
        Assert.Equal("audio/mpeg", recording.Content.Headers.ContentType!.MediaType);
        Assert.Equal(audio, await recording.Content.ReadAsByteArrayAsync());
        var stored = (await _host.Services.GetRequiredService<ICallStore>().GetAsync(1, result.GetProperty("id").GetInt64(), CancellationToken.None))!.Recording!;
        Assert.Equal(("mp3", 16000, 1), (stored.Codec, stored.SampleRate, stored.Channels));
        Assert.InRange(stored.DurationSeconds!.Value, 1.9, 2.1);
    }

    [Fact]
    public async Task ElevenLabs_audio_that_does_not_decode_is_a_400_on_full_audio_and_attaches_nothing()
    {
        var whole = await TestAudio.EncodeAsync("wav", seconds: 4);
        var cut = whole[..(whole.Length / 2)];
        var result = await PostAsync("elevenlabs", ElevenLabsTranscription("conv_cut", "el_agent"));

        var response = await _client.PostAsync("/observability/v1/elevenlabs/observe/", Json(ElevenLabsAudio("conv_cut", cut)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The decoded bytes are not usable audio: the file is truncated or corrupt",
            (await response.ReadJsonAsync()).GetProperty("data.full_audio")[0].GetString());
        var call = await _host.Services.GetRequiredService<ICallStore>().GetAsync(1, result.GetProperty("id").GetInt64(), CancellationToken.None);
        Assert.Null(call!.Recording);
        var recordings = Path.Combine(_host.DataDirectory, "recordings");
        Assert.True(!Directory.Exists(recordings) || Directory.GetFiles(recordings, "*", SearchOption.AllDirectories).Length == 0);
    }

    [Fact]
    public async Task LiveKit_and_Pipecat_histories_are_ingested_with_the_envelope_fields()
    {
        var livekit = await PostAsync("livekit", """
            {"call_id": "lk-room-1", "recording_url": "https://egress.example.com/lk.ogg", "customer_number": "+14155550133",
             "ended_reason": "participant_disconnected", "audio_recording_started_at": 1795168800.0,
             "chat_history": {"items": [
               {"type": "message", "role": "assistant", "content": ["Hello, how can I help?"], "metrics": {"started_speaking_at": 1795168800.5, "stopped_speaking_at": 1795168802.0}},
               {"type": "message", "role": "user", "content": ["Book a table."], "metrics": {"started_speaking_at": 1795168803.0, "stopped_speaking_at": 1795168804.0}}]}}
            """, "?agent_id=1");
        var lk = await Calls.WaitForStageAsync(_client, livekit.GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("lk-room-1", lk.GetProperty("call_id").GetString());
        Assert.Equal("participant_disconnected", lk.GetProperty("call_ended_reason").GetString());
        Assert.Equal("2026-11-20T10:00:00.000000Z", lk.GetProperty("timestamp").GetString());
        Assert.Equal(0.5, lk.GetProperty("transcript_object")[0].GetProperty("start_time").GetDouble(), 3);

        var pipecat = await PostAsync("pipecat", """
            {"call_id": "pc-1", "customer_number": "+14155550144", "started_at": "2026-11-20T10:00:00Z",
             "messages": [{"role": "assistant", "content": "Hello!", "timestamp": "2026-11-20T10:00:00.500Z"},
                          {"role": "user", "content": "Hi, I need help.", "timestamp": "2026-11-20T10:00:02Z"}]}
            """, "?agent_id=1");
        var pc = await Calls.WaitForStageAsync(_client, pipecat.GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("+14155550144", pc.GetProperty("customer_number").GetString());
        Assert.Equal("Main Agent", pc.GetProperty("transcript_object")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Cekura_documented_livekit_list_form_and_pipecat_tool_entries_are_ingested()
    {
        var livekit = await PostAsync("livekit", """
            {"call_id": "lk-list-1", "history": [
              {"role": "assistant", "content": "Hello, how can I help?", "timestamp": 0.5},
              {"role": "user", "content": ["Book a table", "for two."], "timestamp": 3.0},
              {"role": "tool_call", "data": {"id": "call_1", "name": "book_table", "arguments": "{\"people\": 2}"}},
              {"role": "tool_call_result", "data": {"id": "call_1", "name": "book_table", "result": "booked"}},
              {"role": "agent_handoff_note", "content": "not a role we use"}]}
            """, "?agent_id=1");
        var lk = (await Calls.WaitForStageAsync(_client, livekit.GetProperty("id").GetInt64(), "evaluated")).GetProperty("transcript_object");
        Assert.Equal(["Main Agent", "Testing Agent", "Function Call", "Function Call Result"], lk.EnumerateArray().Select(e => e.GetProperty("role").GetString()));
        Assert.Equal(0.5, lk[0].GetProperty("start_time").GetDouble(), 3);
        Assert.Equal(2.5, lk[0].GetProperty("end_time").GetDouble(), 3); // five words at 150 a minute, before the next turn
        Assert.Equal(3.0, lk[1].GetProperty("start_time").GetDouble(), 3);
        Assert.Equal("book_table", lk[3].GetProperty("data").GetProperty("name").GetString());

        var pipecat = await PostAsync("pipecat", """
            {"call_id": "pc-tools-1", "messages": [
              {"role": "assistant", "content": "Hello!", "timestamp": "2026-11-20T10:00:00.500Z"},
              {"role": "tool_call", "data": {"id": "call_2", "name": "lookup", "arguments": "{}"}},
              {"role": "tool_call_result", "data": {"id": "call_2", "name": "lookup", "result": "found", "is_error": false}},
              {"role": "assistant_thought", "content": "not a role we use"},
              {"role": "user", "content": "Thanks.", "timestamp": "2026-11-20T10:00:02Z"}]}
            """, "?agent_id=1");
        var pc = (await Calls.WaitForStageAsync(_client, pipecat.GetProperty("id").GetInt64(), "evaluated")).GetProperty("transcript_object");
        Assert.Equal(["Main Agent", "Function Call", "Function Call Result", "Testing Agent"], pc.EnumerateArray().Select(e => e.GetProperty("role").GetString()));
        Assert.False(pc[2].GetProperty("data").GetProperty("is_error").GetBoolean());
    }

    [Fact]
    public async Task Signed_webhooks_are_verified_when_the_agent_has_the_providers_secret()
    {
        var retellBody = RetellEvent("call_ended", "agent_signed", analysis: null);
        var unsigned = await _client.PostAsync("/observability/v1/retell/observe/", Json(retellBody));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();
        var retell = Request("retell", retellBody);
        retell.Headers.Add("X-Retell-Signature", $"v={now},d={Hmac("key_retell_secret", retellBody + now)}");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(retell)).StatusCode);
        var tampered = Request("retell", retellBody.Replace("user_hangup", "agent_hangup"));
        tampered.Headers.Add("X-Retell-Signature", $"v={now},d={Hmac("key_retell_secret", retellBody + now)}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(tampered)).StatusCode);

        var elevenBody = ElevenLabsTranscription("conv_signed", "el_signed");
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var stale = Request("elevenlabs", elevenBody);
        var old = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600).ToString();
        stale.Headers.Add("ElevenLabs-Signature", $"t={old},v0={Hmac("wsec_eleven", old + "." + elevenBody)}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(stale)).StatusCode);
        var eleven = Request("elevenlabs", elevenBody);
        eleven.Headers.Add("ElevenLabs-Signature", $"t={seconds},v0={Hmac("wsec_eleven", seconds + "." + elevenBody)}");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(eleven)).StatusCode);

        var vapiBody = VapiReport.Replace("asst_vapi", "asst_signed").Replace("vapi-call-1", "vapi-signed");
        var wrongSecret = Request("vapi", vapiBody);
        wrongSecret.Headers.Add("X-Vapi-Secret", "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(wrongSecret)).StatusCode);
        var vapi = Request("vapi", vapiBody);
        vapi.Headers.Add("X-Vapi-Secret", "vapi-shared-secret");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(vapi)).StatusCode);

        Assert.Equal(3, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Bad_webhooks_get_clear_errors()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("/observability/v1/bland/observe/", Json("{}"))).StatusCode);
        var noEnvelope = await _client.PostAsync("/observability/v1/vapi/observe/", Json("""{"type": "end-of-call-report"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, noEnvelope.StatusCode);
        Assert.True((await noEnvelope.ReadJsonAsync()).TryGetProperty("message", out _));
        var unknownAssistant = await _client.PostAsync("/observability/v1/vapi/observe/", Json(VapiReport.Replace("asst_vapi", "asst_nobody")));
        Assert.Equal(HttpStatusCode.BadRequest, unknownAssistant.StatusCode);
        Assert.True((await unknownAssistant.ReadJsonAsync()).TryGetProperty("assistant_id", out _));
        var noCallId = await _client.PostAsync("/observability/v1/pipecat/observe/?agent_id=1", Json("""{"messages": [{"role": "user", "content": "hi"}]}"""));
        Assert.Equal("This field is required.", (await noCallId.ReadJsonAsync()).GetProperty("call_id")[0].GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.CreateClient().PostAsync("/observability/v1/vapi/observe/", Json(VapiReport))).StatusCode);
    }

    [Fact]
    public async Task A_tokened_url_ingests_signed_Retell_and_ElevenLabs_webhooks_without_an_API_key()
    {
        var retellUrl = await TokenUrlAsync("agent_signed", "retell");
        var elevenUrl = await TokenUrlAsync("el_signed", "elevenlabs");
        var anonymous = _host.CreateClient();

        var retellBody = RetellEvent("call_ended", "agent_signed", analysis: null);
        var retell = await anonymous.SendAsync(Signed(retellUrl, retellBody, "retell", "key_retell_secret"));
        Assert.True(retell.StatusCode == HttpStatusCode.OK, await retell.Content.ReadAsStringAsync());
        var retellCall = await Calls.WaitForStageAsync(_client, (await retell.ReadJsonAsync()).GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("Signed Retell bot", retellCall.GetProperty("agent_name").GetString());
        Assert.Equal("retell-1", retellCall.GetProperty("call_id").GetString());

        var elevenBody = ElevenLabsTranscription("conv_token", "el_signed");
        var eleven = await (await anonymous.SendAsync(Signed(elevenUrl, elevenBody, "elevenlabs", "wsec_eleven"))).ReadJsonAsync();
        Assert.Equal("ingested", eleven.GetProperty("status").GetString());
        var audioBody = ElevenLabsAudio("conv_token", await TestAudio.EncodeAsync("mp3", seconds: 1)).Replace("\"el_agent\"", "\"el_signed\"");
        var audio = await (await anonymous.SendAsync(Signed(elevenUrl, audioBody, "elevenlabs", "wsec_eleven"))).ReadJsonAsync();
        Assert.Equal("recording_attached", audio.GetProperty("status").GetString());
        var elevenCall = await Calls.WaitForStageAsync(_client, eleven.GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("Signed ElevenLabs bot", elevenCall.GetProperty("agent_name").GetString());
        Assert.Equal(JsonValueKind.String, elevenCall.GetProperty("voice_recording_url").ValueKind);

        // The signature is what authenticates these URLs: missing, made with another secret, or over another body, it
        // is refused as on the keyed URL, for every event (ignored ones too) and even when an API key is sent along.
        var other = RetellEvent("call_ended", "agent_signed", analysis: null).Replace("retell-1", "retell-forged");
        foreach (var (client, request) in new[]
                 {
                     (anonymous, new HttpRequestMessage(HttpMethod.Post, retellUrl) { Content = Json(other) }),
                     (_client, new HttpRequestMessage(HttpMethod.Post, retellUrl) { Content = Json(other) }),
                     (anonymous, Signed(retellUrl, other, "retell", "guessed_secret")),
                     (anonymous, Signed(retellUrl, other, "retell", "key_retell_secret", signedBody: retellBody)),
                     (anonymous, new HttpRequestMessage(HttpMethod.Post, retellUrl) { Content = Json("""{"event": "call_started", "call": {}}""") }),
                     (anonymous, new HttpRequestMessage(HttpMethod.Post, elevenUrl) { Content = Json(ElevenLabsTranscription("conv_forged", "el_signed")) }),
                 })
        {
            var refused = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.StartsWith("Webhook signature refused: ", (await refused.ReadJsonAsync()).GetProperty("detail").GetString());
        }
        Assert.Equal(2, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_rotated_revoked_or_unknown_token_is_a_plain_404_at_once()
    {
        var id = _agents["agent_signed"];
        var anonymous = _host.CreateClient();
        var body = RetellEvent("call_ended", "agent_signed", analysis: null);
        var oldUrl = await TokenUrlAsync("agent_signed", "retell");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(Signed(oldUrl, body, "retell", "key_retell_secret"))).StatusCode);

        // The gateway still has the old token in its cache; ingest's own lookup refuses it all the same.
        var newUrl = await TokenUrlAsync("agent_signed", "retell");
        var rotatedAway = await anonymous.SendAsync(Signed(oldUrl, body, "retell", "key_retell_secret"));
        var current = await anonymous.SendAsync(Signed(newUrl, body, "retell", "key_retell_secret"));
        Assert.Equal("duplicate", (await current.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/test_framework/v1/aiagents/{id}/webhook_token/")).StatusCode);
        var revoked = await anonymous.SendAsync(Signed(newUrl, body, "retell", "key_retell_secret"));
        var unknown = await anonymous.SendAsync(Signed(WebhookTokens.Path("retell", WebhookTokens.Generate()), body, "retell", "key_retell_secret"));
        var malformed = await anonymous.SendAsync(Signed("/observability/v1/retell/observe/t/guess/", body, "retell", "key_retell_secret"));

        foreach (var response in new[] { rotatedAway, revoked, unknown, malformed })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("""{"detail":"Not found."}""", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(1, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_tokened_url_takes_only_signing_providers_and_only_while_the_agent_has_its_secret()
    {
        var url = await TokenUrlAsync("agent_signed", "retell");
        var anonymous = _host.CreateClient();
        var token = url.Split('/')[^2];

        foreach (var provider in new[] { "livekit", "pipecat" })
        {
            var unsigned = await anonymous.PostAsync(WebhookTokens.Path(provider, token), Json("""{"call_id": "x", "messages": []}"""));
            Assert.Equal(HttpStatusCode.NotFound, unsigned.StatusCode);
            Assert.Contains("carry no provider signature", (await unsigned.ReadJsonAsync()).GetProperty("detail").GetString());
        }

        var patched = await _client.PatchAsJsonAsync($"/test_framework/v1/aiagents/{_agents["agent_signed"]}/", new { provider_webhook_secret = (string?)null });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = RetellEvent("call_ended", "agent_signed", analysis: null);
        var withoutSecret = await anonymous.SendAsync(Signed(url, body, "retell", "key_retell_secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, withoutSecret.StatusCode);
        Assert.Contains("has no provider_webhook_secret", (await withoutSecret.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(0, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Naming_another_agent_does_not_skip_the_signature_the_bodys_own_agent_requires()
    {
        var retellBody = RetellEvent("call_ended", "agent_signed", analysis: null);
        foreach (var query in new[] { $"?agent_id={_agents["agent_retell"]}", "?agent_id=987654", "" })
        {
            var unsigned = await _client.PostAsync($"/observability/v1/retell/observe/{query}", Json(retellBody));
            Assert.True(unsigned.StatusCode == HttpStatusCode.Unauthorized, $"{query}: {await unsigned.Content.ReadAsStringAsync()}");
        }

        // A recording for a signed agent's call, posted for an unsigned agent's assistant id and naming that agent.
        var eleven = await _client.SendAsync(Signed("/observability/v1/elevenlabs/observe/", ElevenLabsTranscription("conv_bypass", "el_signed"), "elevenlabs", "wsec_eleven"));
        Assert.Equal(HttpStatusCode.OK, eleven.StatusCode);
        var elevenId = (await eleven.ReadJsonAsync()).GetProperty("id").GetInt64();
        var audio = await _client.PostAsync($"/observability/v1/elevenlabs/observe/?agent_id={_agents["el_agent"]}", Json(ElevenLabsAudio("conv_bypass", Wav.Tone(0.5))));
        Assert.Equal(HttpStatusCode.Unauthorized, audio.StatusCode);

        // Signed, the same webhook is filed under the agent it names.
        var signed = await _client.SendAsync(Signed($"/observability/v1/retell/observe/?agent_id={_agents["agent_retell"]}", retellBody, "retell", "key_retell_secret"));
        var call = await Calls.WaitForStageAsync(_client, (await signed.ReadJsonAsync()).GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("Retell bot", call.GetProperty("agent_name").GetString());
        Assert.Null((await _host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(elevenId, CancellationToken.None))!.Recording);
        Assert.Equal(2, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_project_that_never_configured_secrets_takes_unsigned_webhooks()
    {
        var key = ApiKeyHasher.Generate();
        await _host.Services.GetRequiredService<IApiKeyStore>().AddAsync(new ApiKeyRecord
        {
            OrganizationId = 2, ProjectId = 2, Name = "unsigned project", Prefix = ApiKeyHasher.VisiblePrefix(key),
            HashHex = ApiKeyHasher.HashHex(key), CreatedAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None);
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", key);
        var agents = new Dictionary<string, long>();
        foreach (var assistant in new[] { "agent_signed", "el_signed" })
        {
            var agent = await (await client.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "Plain " + assistant, assistant_id = assistant })).ReadJsonAsync();
            agents[assistant] = agent.GetProperty("id").GetInt64();
        }

        var retell = await client.PostAsync("/observability/v1/retell/observe/", Json(RetellEvent("call_ended", "agent_signed", analysis: null)));
        Assert.True(retell.StatusCode == HttpStatusCode.OK, await retell.Content.ReadAsStringAsync());
        var named = await client.PostAsync($"/observability/v1/elevenlabs/observe/?agent_id={agents["el_signed"]}", Json(ElevenLabsTranscription("conv_plain", "el_signed")));
        Assert.Equal("ingested", (await named.ReadJsonAsync()).GetProperty("status").GetString());
        // Naming an agent that does not exist is the validation error it always was, not a signature refusal.
        var unknown = await client.PostAsync("/observability/v1/elevenlabs/observe/?agent_id=987654", Json(ElevenLabsTranscription("conv_plain_2", "el_signed")));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.ReadJsonAsync()).TryGetProperty("agent", out _));
        Assert.Equal(2, (await (await client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_token_routes_and_that_the_tokened_url_needs_no_key()
    {
        var document = await (await _host.CreateClient().GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = document.GetProperty("paths");

        var tokened = paths.GetProperty("/observability/v1/{provider}/observe/t/{token}/").GetProperty("post");
        Assert.Equal(0, tokened.GetProperty("security").GetArrayLength());
        Assert.False(paths.GetProperty("/observability/v1/{provider}/observe/").GetProperty("post").TryGetProperty("security", out _));
        Assert.Equal("ApiKey", Assert.Single(document.GetProperty("security").EnumerateArray()).EnumerateObject().Single().Name);
        var tokenRoute = paths.GetProperty("/test_framework/v1/aiagents/{id}/webhook_token/");
        Assert.True(tokenRoute.GetProperty("post").GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(tokenRoute.GetProperty("delete").GetProperty("responses").TryGetProperty("204", out _));
    }

    /// <summary>Creates (or rotates) the agent's webhook token and returns the path of its URL for the provider.</summary>
    private async Task<string> TokenUrlAsync(string assistant, string provider)
    {
        var response = await _client.PostAsync($"/test_framework/v1/aiagents/{_agents[assistant]}/webhook_token/", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return new Uri(JsonDocument.Parse(text).RootElement.GetProperty("webhook_urls").GetProperty(provider).GetString()!).PathAndQuery;
    }

    /// <summary>A request signed the way the provider signs it (Retell over body + ms, ElevenLabs over "s.body").</summary>
    private static HttpRequestMessage Signed(string path, string body, string provider, string secret, string? signedBody = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        signedBody ??= body;
        if (provider == "retell")
        {
            var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();
            request.Headers.Add("X-Retell-Signature", $"v={ms},d={Hmac(secret, signedBody + ms)}");
        }
        else
        {
            var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
            request.Headers.Add("ElevenLabs-Signature", $"t={seconds},v0={Hmac(secret, seconds + "." + signedBody)}");
        }
        return request;
    }

    private static string RetellEvent(string type, string agentId, string? analysis) => $$$"""
        {"event": "{{{type}}}", "call": {"call_id": "retell-1", "agent_id": "{{{agentId}}}", "direction": "inbound",
          "from_number": "+14155550111", "to_number": "+14155550999", "disconnection_reason": "user_hangup",
          "start_timestamp": 1795168800000, "end_timestamp": 1795168830000,
          "recording_url": "https://retell.example.com/mono.wav", "recording_multi_channel_url": "https://retell.example.com/multi.wav",
          {{{(analysis is null ? "" : $"\"call_analysis\": {analysis},")}}}
          "transcript_object": [
            {"role": "agent", "content": "Hello there", "words": [{"word": "Hello", "start": 0.5, "end": 0.9}, {"word": "there", "start": 0.9, "end": 1.3}]},
            {"role": "user", "content": "Hi", "words": [{"word": "Hi", "start": 2.0, "end": 2.4}]}]}}
        """;

    private static string ElevenLabsTranscription(string conversationId, string agentId) => $$$"""
        {"type": "post_call_transcription", "event_timestamp": 1795168830,
         "data": {"agent_id": "{{{agentId}}}", "conversation_id": "{{{conversationId}}}", "status": "done",
           "transcript": [
             {"role": "agent", "message": "Hello, how can I help?", "time_in_call_secs": 0},
             {"role": "user", "message": "Book a table for two.", "time_in_call_secs": 3}],
           "metadata": {"start_time_unix_secs": 1795168800, "call_duration_secs": 30, "termination_reason": "end_call tool",
             "phone_call": {"external_number": "+14155550122", "agent_number": "+14155550000"} } } }
        """;

    private static string ElevenLabsAudio(string conversationId, byte[] audio) =>
        $$$"""{"type": "post_call_audio", "data": {"agent_id": "el_agent", "conversation_id": "{{{conversationId}}}", "full_audio": "{{{Convert.ToBase64String(audio)}}}"}}""";

    private async Task<JsonElement> PostAsync(string provider, string body, string query = "")
    {
        var response = await _client.PostAsync($"/observability/v1/{provider}/observe/{query}", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static HttpRequestMessage Request(string provider, string body) =>
        new(HttpMethod.Post, $"/observability/v1/{provider}/observe/") { Content = Json(body) };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Hmac(string secret, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
}
