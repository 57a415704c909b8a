using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.EndToEnd.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests.Support;

/// <summary>What the tests do in the console and through the API beside it.</summary>
public static class ConsolePages
{
    static ConsolePages() => SetDefaultExpectTimeout(30_000);

    public static async Task SignInAsync(IPage page, string key = ConsoleHost.ApiKey)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>Saves a full-page screenshot under the test output's <c>screenshots/</c> folder and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public static JsonObject Call(string callId, JsonObject? metadata = null) => new()
    {
        ["call_id"] = callId,
        ["agent"] = 1,
        ["transcript_json"] = new JsonArray
        {
            new JsonObject { ["role"] = "Main Agent", ["content"] = "Hello, how can I help?", ["start_time"] = 0.5, ["end_time"] = 2.0 },
            new JsonObject { ["role"] = "Testing Agent", ["content"] = "I would like to book a table.", ["start_time"] = 2.6, ["end_time"] = 4.5 },
        },
        ["metadata"] = metadata ?? new JsonObject { ["source"] = "console-test" },
        ["call_ended_reason"] = "customer-ended-call",
    };

    public static async Task<long> SendAsync(HttpClient api, JsonObject body)
    {
        var response = await api.PostAsJsonAsync("/observability/v1/observe/", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>Send Calls as multipart, with the recording file.</summary>
    public static async Task<long> SendWithRecordingAsync(HttpClient api, JsonObject body, string recordingPath)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (key, value) in body)
        {
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), key);
        }
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(recordingPath));
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "voice_recording", Path.GetFileName(recordingPath));
        var response = await api.PostAsync("/observability/v1/observe/", form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }

    public static async Task<JsonElement> GetCallAsync(HttpClient api, long id) =>
        JsonDocument.Parse(await api.GetStringAsync($"/observability/v2/call-logs/{id}/")).RootElement.Clone();

    public static Task<JsonElement> WaitEvaluatedAsync(HttpClient api, long id) =>
        Eventually.UntilAsync(
            () => GetCallAsync(api, id),
            call => call.GetProperty("processing_stage").GetString() is "evaluated" or "failed",
            call => $"Call {id} was not evaluated: {call}",
            TimeSpan.FromSeconds(120));
}
