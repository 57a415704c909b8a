using System.Text.Json.Nodes;
using Cekura.Console.Tests.Support;
using Cekura.Contracts.Traces;
using Cekura.Hosting.Storage;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
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

    [SkippableFact]
    public async Task The_latency_breakdown_shows_a_labelled_stacked_bar_per_reply_from_the_agents_spans()
    {
        var page = await fixture.NewPageAsync();
        using var api = fixture.Host.ApiClient();
        var traceId = Guid.NewGuid().ToString("N");
        var start = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        AgentSpan Span(string name, double from, double to, string? parent = "b7ad6b7169203331") =>
            new(traceId, Guid.NewGuid().ToString("N")[..16], parent, name, "voice-agent",
                start.AddMilliseconds(from * 1000), start.AddMilliseconds(to * 1000), new Dictionary<string, object?>());
        // Replies at 2.0 → 2.9 s and 6.0 → 7.4 s: stt, model, tts, the rest uncovered; a tool call in the second.
        await fixture.Host.Services.GetRequiredService<IAgentTraceStore>().AppendAsync(1,
        [
            Span("conversation", 0, 10, parent: null), Span("stt", 1.9, 2.15), Span("llm", 2.15, 2.55), Span("tts", 2.55, 2.8),
            Span("stt", 6.0, 6.2), Span("llm", 6.2, 7.1), Span("tool_call", 6.4, 6.9), Span("tts", 7.1, 7.3),
        ], CancellationToken.None);
        var body = new JsonObject
        {
            ["call_id"] = "breakdown-" + traceId[..8],
            ["agent"] = 1,
            ["trace_id"] = traceId,
            ["timestamp"] = start.ToString("O"),
            ["transcript_json"] = new JsonArray
            {
                Turn("Testing Agent", "I'd like to book a table.", 0.5, 2.0),
                Turn("Main Agent", "Sure, for when?", 2.9, 4.0),
                Turn("Testing Agent", "Tonight at six.", 4.5, 6.0),
                Turn("Main Agent", "Booked for six.", 7.4, 8.5),
            },
        };
        var id = await ConsolePages.SendAsync(api, body);
        await ConsolePages.WaitEvaluatedAsync(api, id);

        await ConsolePages.SignInAsync(page);
        await page.GotoAsync($"/console/calls/{id}");

        var section = page.Locator("section[aria-labelledby='breakdown-title']");
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Latency breakdown" })).ToBeVisibleAsync();
        await Expect(section.Locator(".breakdown-row")).ToHaveCountAsync(2);
        // Each bar is an image whose name says every segment in words, not in colour only; the legend names the kinds.
        await Expect(section.GetByRole(AriaRole.Img).First).ToHaveAttributeAsync("aria-label",
            "Reply 1, 900 ms: Speech-to-text 150 ms, Model 400 ms, Speech synthesis 250 ms, Uncovered (no span) 100 ms");
        await Expect(section.Locator(".breakdown-row").Nth(1).Locator(".breakdown-segment"))
            .ToHaveCountAsync(6); // stt, llm, tool call, llm, tts, uncovered
        await Expect(section.Locator(".legend li")).ToHaveTextAsync(["Speech-to-text", "Model", "Speech synthesis", "Tool calls", "Uncovered (no span)"]);
        await Expect(section.Locator(".breakdown-row").Nth(1).Locator(".breakdown-total")).ToHaveTextAsync("1400 ms");
        // Segments are laid out in proportion: reply 1's bar fills 900/1400 of the width reply 2's fills.
        var widths = await section.Locator(".breakdown-bar").EvaluateAllAsync<double[]>(
            "bars => bars.map(b => [...b.children].reduce((sum, c) => sum + c.getBoundingClientRect().width, 0))");
        Assert.Equal(900.0 / 1400, widths[0] / widths[1], 2);

        var axe = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        Assert.NotEmpty(axe.Passes);
        Assert.True(axe.Violations.Length == 0,
            string.Join("\n", axe.Violations.Select(v => $"{v.Id}: {v.Help}: {string.Join(" | ", v.Nodes.Select(n => n.Html).Take(3))}")));
        await ConsolePages.ScreenshotAsync(page, "call-latency-breakdown");
    }

    private static JsonObject Turn(string role, string content, double start, double end) => new()
    {
        ["role"] = role, ["content"] = content, ["start_time"] = Math.Round(start, 3), ["end_time"] = Math.Round(end, 3),
    };
}
