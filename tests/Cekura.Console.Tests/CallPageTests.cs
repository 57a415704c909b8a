using System.Text.Json.Nodes;
using Cekura.Console.Tests.Support;
using Cekura.TestSupport.Audio;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests;

/// <summary>A call's page in Chromium: header, redacted transcript, recording with its lanes, metrics, review, trace.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CallPageTests(ConsoleFixture fixture) : IDisposable
{
    private const string Email = "jane.doe@example.com";
    private readonly CallAudioGenerator _generator = new();

    public void Dispose() => _generator.Dispose();

    [SkippableFact]
    public async Task Call_page_shows_the_call_and_clicking_a_turn_moves_the_play_position_there()
    {
        var page = await fixture.NewPageAsync();
        using var api = fixture.Host.ApiClient();
        string[] lines = ["Thanks for calling, how can I help?", $"Please send it to {Email}.", "Done, anything else?"];
        var audio = await _generator.GenerateAsync(new CallScript
        {
            AgentChannel = 0,
            Turns = [ScriptTurn.Say(Party.Agent, 0.3, lines[0]), ScriptTurn.Say(Party.Caller, 3.0, lines[1]), ScriptTurn.Say(Party.Agent, 7.0, lines[2])],
        });
        var agent = audio.AgentSpeaking;
        var caller = audio.CallerSpeaking;
        var callId = "call-page-" + Guid.NewGuid().ToString("N")[..8];
        var body = new JsonObject
        {
            ["call_id"] = callId,
            ["agent"] = 1,
            ["customer_number"] = "+14155550100",
            ["call_ended_reason"] = "customer-ended-call",
            ["redact_fields"] = new JsonArray("email_address"),
            ["main_agent_channel_index"] = 0,
            ["transcript_json"] = new JsonArray
            {
                Turn("Main Agent", lines[0], agent[0].Start, agent[0].End),
                Turn("Testing Agent", lines[1], caller[0].Start, caller[^1].End),
                new JsonObject
                {
                    ["role"] = "Function Call", ["content"] = "", ["start_time"] = caller[^1].End, ["end_time"] = caller[^1].End,
                    ["data"] = new JsonObject { ["id"] = "f1", ["name"] = "send_receipt", ["arguments"] = $$"""{"email":"{{Email}}"}""" },
                },
                Turn("Main Agent", lines[2], agent[^1].Start, agent[^1].End),
            },
        };
        var id = await ConsolePages.SendWithRecordingAsync(api, body, audio.Path);
        var stored = await ConsolePages.WaitEvaluatedAsync(api, id);
        Assert.Equal("evaluated", stored.GetProperty("processing_stage").GetString());

        // The player seeks with Range requests.
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/observability/v2/call-logs/{id}/recording/");
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 43);
        var header = await api.SendAsync(ranged);
        Assert.Equal(System.Net.HttpStatusCode.PartialContent, header.StatusCode);
        Assert.Equal(44, (await header.Content.ReadAsByteArrayAsync()).Length);

        await ConsolePages.SignInAsync(page);
        await page.GotoAsync($"/console/calls/{id}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(callId);
        await Expect(page.Locator(".facts")).ToContainTextAsync("+14155550100");
        await Expect(page.Locator(".facts")).ToContainTextAsync("customer-ended-call");
        await Expect(page.Locator("#call-stage")).ToHaveTextAsync("evaluated");
        // Redacted text shows its placeholder, marked; the address itself appears nowhere on the page.
        await Expect(page.Locator("mark.placeholder").First).ToHaveTextAsync("<EMAIL_ADDRESS>");
        await Expect(page.Locator(".turn.function")).ToContainTextAsync("send_receipt");
        Assert.DoesNotContain(Email, await page.ContentAsync());
        // One lane per channel, from the recording's voice activity.
        await Expect(page.Locator(".timeline .track")).ToHaveCountAsync(2);
        await Expect(page.Locator(".lane-name").First).ToHaveTextAsync("Agent (channel 0)");
        await Expect(page.Locator(".segment.agent")).Not.ToHaveCountAsync(0);
        // Metrics with their explanations.
        await Expect(page.Locator("table.metrics tbody tr")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator("table.metrics .explanation").First).ToBeVisibleAsync();
        var trace = stored.GetProperty("trace_id").GetString()!;
        await Expect(page.Locator("a.trace-link")).ToHaveAttributeAsync("href", $"http://traces.example.test/trace/{trace}");

        await page.WaitForFunctionAsync("() => document.querySelector('audio').readyState >= 1");
        var shift = stored.GetProperty("recording_data").TryGetProperty("transcript_shift", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Number
            ? s.GetDouble() : 0;
        var target = agent[^1].Start + shift;
        await page.Locator(".turn.agent").Last.Locator(".content").ClickAsync();
        await page.WaitForFunctionAsync(
            $"() => Math.abs(document.querySelector('audio').currentTime - {target.ToString(System.Globalization.CultureInfo.InvariantCulture)}) < 0.25");
        await Expect(page.Locator(".turn.agent").Last).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("current"));

        // The keyboard way: each timed turn's time is a button.
        await page.Locator(".turn.agent").First.Locator("button.time").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var first = agent[0].Start + shift;
        await page.WaitForFunctionAsync(
            $"() => Math.abs(document.querySelector('audio').currentTime - {first.ToString(System.Globalization.CultureInfo.InvariantCulture)}) < 0.25");
        await page.Locator(".turn.agent").Last.Locator("button.time").PressAsync("Enter");
        await page.WaitForFunctionAsync(
            $"() => Math.abs(document.querySelector('audio').currentTime - {target.ToString(System.Globalization.CultureInfo.InvariantCulture)}) < 0.25");

        await ConsolePages.ScreenshotAsync(page, "call-page");
    }

    [SkippableFact]
    public async Task Reviewing_a_call_in_the_console_stores_the_verdict_and_feedback()
    {
        var page = await fixture.NewPageAsync();
        using var api = fixture.Host.ApiClient();
        var id = await ConsolePages.SendAsync(api, ConsolePages.Call("review-" + Guid.NewGuid().ToString("N")[..8]));
        await ConsolePages.WaitEvaluatedAsync(api, id);

        await ConsolePages.SignInAsync(page);
        await page.GotoAsync($"/console/calls/{id}");
        await page.GetByLabel("Verdict").SelectOptionAsync("reviewed_failure");
        await page.GetByLabel("Feedback").FillAsync("The agent never confirmed the time.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save review" }).ClickAsync();
        await Expect(page.GetByText("Saved.")).ToBeVisibleAsync();

        var call = await ConsolePages.GetCallAsync(api, id);
        Assert.Equal("reviewed_failure", call.GetProperty("status").GetString());
        Assert.True(call.GetProperty("is_reviewed").GetBoolean());
        Assert.Equal("The agent never confirmed the time.", call.GetProperty("feedback").GetString());
        // The page shows the stored state after the save.
        await Expect(page.Locator(".facts")).ToContainTextAsync("reviewed_failure");
        await ConsolePages.ScreenshotAsync(page, "call-reviewed");
    }

    [SkippableFact]
    public async Task A_call_without_a_recording_shows_no_player()
    {
        var page = await fixture.NewPageAsync();
        using var api = fixture.Host.ApiClient();
        var id = await ConsolePages.SendAsync(api, ConsolePages.Call("no-audio-" + Guid.NewGuid().ToString("N")[..8]));
        await ConsolePages.WaitEvaluatedAsync(api, id);

        await ConsolePages.SignInAsync(page);
        await page.GotoAsync($"/console/calls/{id}");
        await Expect(page.GetByText("This call has no recording.")).ToBeVisibleAsync();
        await Expect(page.Locator("audio")).ToHaveCountAsync(0);
        // Turns still list their times, but nothing to seek.
        await Expect(page.Locator(".turn.seekable")).ToHaveCountAsync(0);
        await Expect(page.Locator(".turn")).ToHaveCountAsync(2);
    }

    private static JsonObject Turn(string role, string content, double start, double end) => new()
    {
        ["role"] = role, ["content"] = content, ["start_time"] = Math.Round(start, 3), ["end_time"] = Math.Round(end, 3),
    };
}
