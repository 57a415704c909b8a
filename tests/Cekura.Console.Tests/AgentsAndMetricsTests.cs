using System.Text.Json;
using Cekura.Console.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests;

/// <summary>Agents and metrics: list, create and edit through the console, checked through the API.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AgentsAndMetricsTests(ConsoleFixture fixture)
{
    [SkippableFact]
    public async Task A_metric_and_an_agent_using_it_are_created_and_edited_in_the_console()
    {
        var page = await fixture.NewPageAsync();
        using var api = fixture.Host.ApiClient();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await ConsolePages.SignInAsync(page);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" }).GetByRole(AriaRole.Link, new() { Name = "Metrics" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Predefined metrics" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New metric" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Polite " + suffix);
        await page.GetByLabel("Type").SelectOptionAsync("custom_code");
        await page.GetByLabel("Custom code").FillAsync("_result = true; _explanation = 'always';");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create metric" }).ClickAsync();
        await Expect(page.GetByText("Metric created.")).ToBeVisibleAsync();
        var metricId = long.Parse(page.Url.TrimEnd('/').Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);

        // A refused save shows the API's message for the field.
        await page.GetByLabel("Custom code").FillAsync("_result = ;");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("custom_code");
        await ConsolePages.ScreenshotAsync(page, "metric-form");

        await page.GotoAsync("/console/agents");
        await page.GetByRole(AriaRole.Link, new() { Name = "New agent" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Booking bot " + suffix);
        await page.GetByLabel("Assistant id").FillAsync("asst-" + suffix);
        await page.GetByLabel("Custom metrics").SelectOptionAsync(metricId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await Expect(page.GetByText("Agent created.")).ToBeVisibleAsync();
        var agentId = long.Parse(page.Url.TrimEnd('/').Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);

        await page.GetByLabel("Description").FillAsync("Takes table bookings.");
        await page.GetByLabel("Redact fields").FillAsync("email_address, phone_number");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(page, "agent-form");

        var agent = JsonDocument.Parse(await api.GetStringAsync($"/test_framework/v1/aiagents/{agentId}/")).RootElement;
        Assert.Equal("Booking bot " + suffix, agent.GetProperty("agent_name").GetString());
        Assert.Equal("Takes table bookings.", agent.GetProperty("description").GetString());
        Assert.Equal(["email_address", "phone_number"], agent.GetProperty("redact_fields").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([metricId], agent.GetProperty("metrics").EnumerateArray().Select(e => e.GetInt64()));
        var metric = JsonDocument.Parse(await api.GetStringAsync($"/test_framework/v1/metrics/{metricId}/")).RootElement;
        Assert.Equal("_result = true; _explanation = 'always';", metric.GetProperty("custom_code").GetString());

        await page.GotoAsync("/console/agents");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Booking bot " + suffix })).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(page, "agents");
        await page.GotoAsync("/console/metrics");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Polite " + suffix })).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(page, "metrics");
    }

    [SkippableFact]
    public async Task An_unknown_agent_or_metric_says_so_and_links_back_to_the_list()
    {
        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page);

        await page.GotoAsync("/console/agents/999999999");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Agent not found" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the agents" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Agents", Exact = true })).ToBeVisibleAsync();

        await page.GotoAsync("/console/metrics/999999999");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Metric not found" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the metrics" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Metrics", Exact = true })).ToBeVisibleAsync();
    }
}
