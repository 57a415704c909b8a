using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.Speech.Audio;
using Cekura.TestSupport.Audio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// A call that asks for redaction through the whole embedded chain: placeholders in the transcript and function
/// calls, the recording masked on the caller's channel and served in place of the original, the original blob gone,
/// the usage shown, and the call evaluated on the redacted transcript.
/// </summary>
public sealed class RedactionTests : IAsyncLifetime
{
    private const string Card = "4111 1111 1111 1111";
    private const string Email = "jane.doe@example.com";

    private readonly CallAudioGenerator _generator = new();
    private readonly CapturedLogs _logs = new();
    private EmbeddedHost _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        // The host runs the built-in recognizers; every log line it writes is kept, to be searched for PII.
        _host = new EmbeddedHost(services: s => s.AddSingleton<ILoggerProvider>(_logs));
        _client = _host.CreateAuthorizedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _generator.Dispose();
    }

    [Fact]
    public async Task A_call_with_redact_fields_is_evaluated_with_placeholders_and_a_masked_recording_replacing_the_original()
    {
        // Agent on channel 0, caller on channel 1; the caller reads the card number in her second turn.
        string[] lines = ["Thanks for calling, how can I help?", $"My card is {Card} and my email is {Email}.", "Thank you, that is booked."];
        var audio = await _generator.GenerateAsync(new CallScript
        {
            AgentChannel = 0,
            Turns = [ScriptTurn.Say(Party.Agent, 0.3, lines[0]), ScriptTurn.Say(Party.Caller, 2.6, lines[1]), ScriptTurn.Say(Party.Agent, 12, lines[2])],
        });
        var caller = audio.CallerSpeaking;
        var transcript = new JsonArray
        {
            Turn("Main Agent", lines[0], audio.AgentSpeaking[0].Start, audio.AgentSpeaking[0].End),
            Turn("Testing Agent", lines[1], caller[0].Start, caller[^1].End),
            new JsonObject
            {
                ["role"] = "Function Call", ["content"] = "", ["start_time"] = caller[^1].End, ["end_time"] = caller[^1].End,
                ["data"] = new JsonObject { ["id"] = "c1", ["name"] = "charge", ["arguments"] = $$"""{"card":"{{Card}}","amount":20}""" },
            },
            Turn("Main Agent", lines[2], audio.AgentSpeaking[^1].Start, audio.AgentSpeaking[^1].End),
        };
        var body = new JsonObject
        {
            ["call_id"] = "redacted-stereo", ["agent"] = 1, ["transcript_json"] = transcript, ["customer_number"] = "+14155550100",
            ["redact_fields"] = new JsonArray("credit_card", "email_address"), ["main_agent_channel_index"] = 0,
        };

        var done = await PostAndWaitAsync(body, audio.Path);

        var entries = done.GetProperty("transcript_object").EnumerateArray().ToList();
        Assert.Equal("My card is <CREDIT_CARD> and my email is <EMAIL_ADDRESS>.",
            entries.Single(e => e.GetProperty("role").GetString() == "Testing Agent").GetProperty("content").GetString());
        var functionCall = entries.Single(e => e.GetProperty("role").GetString() == "Function Call");
        using (var arguments = JsonDocument.Parse(functionCall.GetProperty("data").GetProperty("arguments").GetString()!))
        {
            Assert.Equal("<CREDIT_CARD>", arguments.RootElement.GetProperty("card").GetString());
            Assert.Equal(20, arguments.RootElement.GetProperty("amount").GetInt32());
        }
        var text = done.GetProperty("transcript").GetString()!;
        Assert.Contains("<CREDIT_CARD>", text);
        Assert.DoesNotContain("4111", done.ToString());
        Assert.DoesNotContain(Email, done.ToString());

        var id = done.GetProperty("id").GetInt64();
        var usage = done.GetProperty("redaction_usage");
        var minutes = Math.Ceiling(Math.Round(audio.DurationSeconds, 3) / 6) / 10;
        Assert.Equal(minutes, usage.GetProperty("minutes").GetDouble(), 6);
        Assert.Equal(minutes * 0.1, usage.GetProperty("credits").GetDouble(), 6);
        var redaction = done.GetProperty("redaction");
        Assert.Equal(2, redaction.GetProperty("transcript_spans").GetInt32());
        Assert.Equal(1, redaction.GetProperty("function_call_spans").GetInt32());
        Assert.Equal("silence", redaction.GetProperty("audio_mask").GetString());

        // Evaluation ran on the stored (redacted) transcript.
        Assert.NotEqual(0, done.GetProperty("metrics").GetArrayLength());

        // Only the redacted recording is left in the blob store, and it is the one served.
        var blobs = Directory.GetFiles(Path.Combine(_host.DataDirectory, "recordings"), "*", SearchOption.AllDirectories);
        Assert.Equal([$"{id}-redacted.wav"], blobs.Select(Path.GetFileName));
        var served = await _client.GetAsync($"/observability/v2/call-logs/{id}/recording/");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var bytes = await served.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(blobs[0]), bytes);
        Assert.Equal(new FileInfo(audio.Path).Length, bytes.Length);

        var (agentChannel, callerChannel) = await DecodeStereoAsync(bytes);
        // Character offsets of the card within the caller's turn, placed proportionally in its time (as the stage does).
        var (start, end) = (caller[0].Start, caller[^1].End);
        var cardFrom = start + (end - start) * lines[1].IndexOf(Card, StringComparison.Ordinal) / lines[1].Length;
        var cardTo = start + (end - start) * (lines[1].IndexOf(Card, StringComparison.Ordinal) + Card.Length) / lines[1].Length;
        Assert.All(Slice(callerChannel, cardFrom, cardTo), s => Assert.Equal(0f, s));
        Assert.Contains(Slice(callerChannel, 0, callerChannel.Length / 16000.0), s => s != 0f);
        Assert.Contains(Slice(agentChannel, audio.AgentSpeaking[0].Start, audio.AgentSpeaking[0].End), s => s != 0f);

        // Nothing requested for redaction is left at rest: no file of the data directory (call database and its WAL,
        // the key store, the recordings) and no log line holds the card or the address in any form they were sent in.
        string[] originals = [Card, Card.Replace(" ", ""), Email];
        foreach (var file in Directory.GetFiles(_host.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var content = await File.ReadAllBytesAsync(file);
            Assert.All(originals, value => Assert.True(content.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(value)) < 0, $"{value} found in {file}"));
        }
        Assert.NotEmpty(_logs.Lines);
        Assert.All(originals, value => Assert.DoesNotContain(_logs.Lines, line => line.Contains(value, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_call_without_a_recording_is_redacted_and_metered_from_its_transcript()
    {
        var body = Calls.Body("redacted-text-only");
        body["transcript_json"] = new JsonArray
        {
            Turn("Testing Agent", "my card is 4111 1111", 1.0, 3.0),
            Turn("Main Agent", "go on", 3.5, 4.0),
            Turn("Testing Agent", "1111 1111", 4.5, 65.0),
        };
        body["redact_fields"] = new JsonArray("credit_card");

        var created = await (await Calls.PostCallAsync(_client, body)).ReadJsonAsync();
        var done = await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");

        Assert.True(done.GetProperty("processing_stage").GetString() == "evaluated", done.ToString());
        var contents = done.GetProperty("transcript_object").EnumerateArray().Select(e => e.GetProperty("content").GetString()).ToList();
        Assert.Equal(["my card is <CREDIT_CARD>", "go on", "<CREDIT_CARD>"], contents);
        Assert.Equal(1.1, done.GetProperty("redaction_usage").GetProperty("minutes").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, done.GetProperty("voice_recording_url").ValueKind);
    }

    [Fact]
    public async Task A_replaced_transcript_is_sealed_until_redaction_runs_again_and_its_PII_is_nowhere_at_rest()
    {
        const string newCard = "5555 5555 5555 4444";
        const string newEmail = "sam.ortiz@example.org";
        var recordingPath = Path.Combine(_generator.OutputDirectory, $"tone-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(recordingPath, Wav.Tone(20));
        var body = Calls.Body("replaced-redacted");
        body["transcript_json"] = new JsonArray
        {
            Turn("Main Agent", "How can I help?", 0.5, 2.0),
            Turn("Testing Agent", $"My card is {Card}.", 3.0, 8.0),
            Turn("Main Agent", "Thanks.", 9.0, 10.0),
        };
        body["redact_fields"] = new JsonArray("credit_card", "email_address");
        var first = await PostAndWaitAsync(body, recordingPath);
        var id = first.GetProperty("id").GetInt64();
        var recordingFile = Assert.Single(Directory.GetFiles(Path.Combine(_host.DataDirectory, "recordings"), "*", SearchOption.AllDirectories));
        var redactedRecording = await File.ReadAllBytesAsync(recordingFile);

        var response = await _client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", new
        {
            transcript_json = new object[]
            {
                new { role = "Main Agent", content = "How can I help?", start_time = 0.5, end_time = 2.0 },
                new { role = "Testing Agent", content = $"It is {newCard}, mail {newEmail}.", start_time = 3.0, end_time = 8.0 },
                new
                {
                    role = "Function Call", content = "", start_time = 8.0, end_time = 8.0,
                    data = new { id = "c1", name = "charge", arguments = $$"""{"card":"{{newCard}}"}""" },
                },
                new { role = "Main Agent", content = "Thanks.", start_time = 9.0, end_time = 10.0 },
            },
        });

        // Withheld again until redaction has run on the new text.
        var patched = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, patched.ToString());
        Assert.Equal("received", patched.GetProperty("processing_stage").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("transcript_object").ValueKind);
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("voice_recording_url").ValueKind);

        var done = await Calls.WaitForStageAsync(_client, id, "evaluated");
        Assert.True(done.GetProperty("processing_stage").GetString() == "evaluated", done.ToString());
        var caller = done.GetProperty("transcript_object").EnumerateArray().Single(e => e.GetProperty("role").GetString() == "Testing Agent");
        Assert.Equal("It is <CREDIT_CARD>, mail <EMAIL_ADDRESS>.", caller.GetProperty("content").GetString());
        Assert.DoesNotContain("5555", done.ToString());
        Assert.NotEqual(0, done.GetProperty("metrics").GetArrayLength());
        // The recording was redacted the first time and stays as it is, with what that run reported about it.
        Assert.Equal([recordingFile], Directory.GetFiles(Path.Combine(_host.DataDirectory, "recordings"), "*", SearchOption.AllDirectories));
        Assert.Equal(redactedRecording, await File.ReadAllBytesAsync(recordingFile));
        Assert.Equal("silence", done.GetProperty("redaction").GetProperty("audio_mask").GetString());

        // The key that sealed the new text is destroyed once redaction finishes.
        var store = _host.Services.GetRequiredService<ICallStore>();
        await Eventually.UntilAsync(
            () => store.GetForWorkerAsync(id, CancellationToken.None),
            stored => stored is null || (stored.DataKeyId ?? stored.PendingKeyDestruction) is null,
            _ => "the data key of the replaced transcript was never destroyed");

        string[] originals = [Card, newCard, newCard.Replace(" ", ""), newEmail];
        foreach (var file in Directory.GetFiles(_host.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var content = await File.ReadAllBytesAsync(file);
            Assert.All(originals, value => Assert.True(content.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(value)) < 0, $"{value} found in {file}"));
        }
        Assert.All(originals, value => Assert.DoesNotContain(_logs.Lines, line => line.Contains(value, StringComparison.Ordinal)));
    }

    private static JsonObject Turn(string role, string content, double start, double end) => new()
    {
        ["role"] = role, ["content"] = content, ["start_time"] = Math.Round(start, 3), ["end_time"] = Math.Round(end, 3),
    };

    private async Task<JsonElement> PostAndWaitAsync(JsonObject body, string recordingPath)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (key, value) in body)
        {
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), key);
        }
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(recordingPath));
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "voice_recording", Path.GetFileName(recordingPath));
        var response = await _client.PostAsync("/observability/v1/observe/", form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.ReadJsonAsync();
        Assert.Equal(JsonValueKind.Null, created.GetProperty("transcript_object").ValueKind);
        var done = await Calls.WaitForStageAsync(_client, created.GetProperty("id").GetInt64(), "evaluated");
        Assert.True(done.GetProperty("processing_stage").GetString() == "evaluated", done.ToString());
        return done;
    }

    private async Task<(float[] Left, float[] Right)> DecodeStereoAsync(byte[] wav)
    {
        var path = Path.Combine(_generator.OutputDirectory, $"served-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(path, wav);
        var (left, right) = (new List<float>(), new List<float>());
        await new Ffmpeg(new FfmpegOptions()).DecodeAsync(path, 16000, 2, block =>
        {
            for (var i = 0; i + 1 < block.Length; i += 2)
            {
                left.Add(block[i]);
                right.Add(block[i + 1]);
            }
        }, CancellationToken.None);
        return (left.ToArray(), right.ToArray());
    }

    private static float[] Slice(float[] samples, double from, double to) =>
        samples[Math.Clamp((int)Math.Ceiling(from * 16000), 0, samples.Length)..Math.Clamp((int)(to * 16000), 0, samples.Length)];
}
