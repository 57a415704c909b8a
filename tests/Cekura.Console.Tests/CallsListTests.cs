using System.Text.Json.Nodes;
using System.Net.Http.Json;
using Cekura.Console.Tests.Support;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Gateway.Administration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests;

/// <summary>Signing in, the calls list (live, filtered), another project's key, signing out and revocation, in Chromium.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CallsListTests(ConsoleFixture fixture)
{
    [SkippableFact]
    public async Task After_sign_in_a_call_sent_to_Send_Calls_appears_in_the_list_and_reaches_evaluated()
    {
        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page);
        await Expect(page.Locator("#project")).ToContainTextAsync("Project default (#1)");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Calls" })).ToBeVisibleAsync();

        using var api = fixture.Host.ApiClient();
        var callId = "appears-" + Guid.NewGuid().ToString("N")[..8];
        await ConsolePages.SendAsync(api, ConsolePages.Call(callId));

        // The list refreshes itself: no reload.
        var row = page.Locator("table.calls tbody tr").Filter(new() { HasText = callId });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator(".stage")).ToHaveTextAsync("evaluated", new() { Timeout = 90_000 });
        await Expect(row).ToContainTextAsync("customer-ended-call");
        await ConsolePages.ScreenshotAsync(page, "calls-list");

        await row.GetByRole(AriaRole.Link, new() { Name = callId }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/console/calls/\d+$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(callId);
    }

    [SkippableFact]
    public async Task Filters_narrow_the_list_by_call_id_and_metadata_key_and_value()
    {
        var page = await fixture.NewPageAsync();
        using var api = fixture.Host.ApiClient();
        var prefix = "filter-" + Guid.NewGuid().ToString("N")[..8];
        var gold = await ConsolePages.SendAsync(api, ConsolePages.Call(prefix + "-gold", new JsonObject { ["tier"] = "gold" }));
        var silver = await ConsolePages.SendAsync(api, ConsolePages.Call(prefix + "-silver", new JsonObject { ["tier"] = "silver" }));
        var none = await ConsolePages.SendAsync(api, ConsolePages.Call(prefix + "-none"));
        var otherAgent = await api.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "Other agent " + prefix });
        var otherAgentId = System.Text.Json.JsonDocument.Parse(await otherAgent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var other = ConsolePages.Call(prefix + "-other-agent", new JsonObject { ["tier"] = "gold" });
        other["agent"] = otherAgentId;
        await ConsolePages.SendAsync(api, other);
        await Eventually.UntilAsync(
            () => Task.WhenAll(new[] { gold, silver, none }.Select(id => ConsolePages.GetCallAsync(api, id))),
            calls => calls.All(c => c.GetProperty("processing_stage").GetString() == "evaluated"),
            calls => string.Join("\n", calls.Select(c => c.ToString())));

        await ConsolePages.SignInAsync(page);
        await page.GetByLabel("Call id contains").FillAsync(prefix);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("table.calls tbody tr")).ToHaveCountAsync(4);

        await page.GetByLabel("Metadata key").FillAsync("tier");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("table.calls tbody tr")).ToHaveCountAsync(3);

        await page.GetByLabel("Metadata value").FillAsync("gold");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var rows = page.Locator("table.calls tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await page.GetByLabel("Agent").SelectOptionAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-id", gold.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The filters live in the URL: a reload shows the same list.
        await page.ReloadAsync();
        await Expect(page.Locator("table.calls tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByLabel("Metadata value")).ToHaveValueAsync("gold");

        // Status and success: the agent-1 calls succeeded (the call list waits for none).
        await page.GotoAsync($"/console/calls?search={prefix}");
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("failure");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByText("No calls match.")).ToBeVisibleAsync();
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("success");
        await page.GetByLabel("Success", new() { Exact = true }).SelectOptionAsync("true");
        await page.GetByLabel("Agent").SelectOptionAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("table.calls tbody tr")).ToHaveCountAsync(3);
        // A time range that ends before the calls were made (the page's clock is the user's local time).
        await page.GetByLabel("To", new() { Exact = true }).FillAsync(DateTime.Now.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByText("No calls match.")).ToBeVisibleAsync();
        await page.GetByLabel("From", new() { Exact = true }).FillAsync(DateTime.Now.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("To", new() { Exact = true }).FillAsync(DateTime.Now.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("table.calls tbody tr")).ToHaveCountAsync(3);

        await page.GotoAsync($"/console/calls?search={prefix}&meta_key=tier");
        await page.GetByLabel("Agent").SelectOptionAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("table.calls tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator($"table.calls tbody tr[data-id='{silver}']")).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task A_key_of_another_project_sees_none_of_the_calls_agents_or_metrics()
    {
        using var api = fixture.Host.ApiClient();
        var id = await ConsolePages.SendAsync(api, ConsolePages.Call("tenant-a-" + Guid.NewGuid().ToString("N")[..8]));
        var (otherKey, _) = await fixture.NewProjectKeyAsync("other-" + Guid.NewGuid().ToString("N")[..6]);

        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page, otherKey);
        await Expect(page.GetByText("No calls match.")).ToBeVisibleAsync();
        await page.GotoAsync($"/console/calls/{id}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Call not found" })).ToBeVisibleAsync();
        await page.GotoAsync("/console/agents");
        await Expect(page.GetByText("No agents yet.")).ToBeVisibleAsync();
        await page.GotoAsync("/console/agents/1");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Agent not found" })).ToBeVisibleAsync();
        await page.GotoAsync("/console/metrics");
        await Expect(page.GetByText("No custom metrics yet.")).ToBeVisibleAsync();
        // Nor by asking the API from the page with its session.
        var status = await page.EvaluateAsync<int>($"async () => (await fetch('/observability/v2/call-logs/{id}/')).status");
        Assert.Equal(404, status);
    }

    [SkippableFact]
    public async Task Sign_out_ends_the_session_and_the_key_was_never_readable_by_the_page()
    {
        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page);

        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "cekura_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(ConsoleHost.ApiKey, cookie.Value);
        Assert.DoesNotContain("cekura_console", await page.EvaluateAsync<string>("() => document.cookie"));
        var stored = await page.EvaluateAsync<string>("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}) + location.href");
        Assert.DoesNotContain(ConsoleHost.ApiKey, stored);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "cekura_console");
        var status = await page.EvaluateAsync<int>("async () => (await fetch('/observability/v2/call-logs/')).status");
        Assert.Equal(401, status);
        await page.ReloadAsync();
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task Revoking_the_key_ends_an_open_console_session()
    {
        var (key, keyId) = await fixture.NewProjectKeyAsync("revoked-" + Guid.NewGuid().ToString("N")[..6]);
        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page, key);
        await Expect(page.GetByText("No calls match.")).ToBeVisibleAsync();

        await fixture.Host.Services.GetRequiredService<KeyAdministration>().RevokeAsync(keyId, CancellationToken.None);

        // The open calls page keeps refreshing; the first refresh after the key cache expires is refused.
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        var status = await page.EvaluateAsync<int>("async () => (await fetch('/observability/v2/call-logs/')).status");
        Assert.Equal(401, status);
    }

    [SkippableFact]
    public async Task A_wrong_key_is_refused_with_a_message()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/calls");
        await page.GetByLabel("API key").FillAsync("ck_live_notARealKeyNotARealKeyNotARealKey0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Invalid API key.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeHiddenAsync();
        await ConsolePages.ScreenshotAsync(page, "sign-in-refused");
    }
}
