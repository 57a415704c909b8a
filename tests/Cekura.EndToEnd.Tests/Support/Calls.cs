using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>Request bodies and polling shared by the host-level tests.</summary>
public static class Calls
{
    public static JsonArray Transcript() =>
    [
        new JsonObject { ["role"] = "Testing Agent", ["content"] = "Hello.", ["start_time"] = 1.44, ["end_time"] = 1.94 },
        new JsonObject { ["role"] = "Main Agent", ["content"] = "Hello. How can I help?", ["start_time"] = 3.1, ["end_time"] = 7.54 },
        new JsonObject { ["role"] = "Testing Agent", ["content"] = "What time exactly?", ["start_time"] = 12.01, ["end_time"] = 15.71 },
        new JsonObject { ["role"] = "Main Agent", ["content"] = "6 PM.", ["start_time"] = 17.61, ["end_time"] = 18.27 },
    ];

    public static JsonObject Body(string callId, long agent = 1) => new()
    {
        ["call_id"] = callId,
        ["agent"] = agent,
        ["transcript_json"] = Transcript(),
        ["metadata"] = new JsonObject { ["customer_id"] = "123" },
        ["call_ended_reason"] = "customer-ended-call",
    };

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Polls the detail view until the call reaches <paramref name="stage"/> (or fails, which ends the wait).</summary>
    public static async Task<JsonElement> WaitForStageAsync(HttpClient client, long id, string stage, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync($"/observability/v2/call-logs/{id}/");
            last = await response.ReadJsonAsync();
            var current = last.GetProperty("processing_stage").GetString();
            if (current == stage || (current == "failed" && stage != "failed"))
            {
                return last;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Call {id} did not reach '{stage}': {last}");
    }

    public static Task<HttpResponseMessage> PostCallAsync(HttpClient client, JsonObject body) =>
        client.PostAsJsonAsync("/observability/v1/observe/", body);

    /// <summary>Send Calls as a multipart upload: the body's fields as form fields and <paramref name="wav"/> as the recording.</summary>
    public static async Task<HttpResponseMessage> PostWithRecordingAsync(HttpClient client, JsonObject body, byte[] wav)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (key, value) in body)
        {
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), key);
        }
        var audio = new ByteArrayContent(wav);
        audio.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/wav");
        form.Add(audio, "voice_recording", "call.wav");
        return await client.PostAsync("/observability/v1/observe/", form);
    }
}
