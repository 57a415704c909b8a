using System.Diagnostics;
using System.Globalization;
using Cekura.Console.Tests.Support;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests;

/// <summary>
/// The calls list over many stored calls: 50 rows a page, the pager, and the time the page takes to build its rows
/// once the data has arrived (printed, not asserted: a loaded CI box says nothing about a user's browser).
/// CEKURA_CONSOLE_SEED_CALLS=10000 seeds the project the issue names (about a minute here).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class PagingTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task The_list_shows_fifty_calls_a_page_and_pages_through_all_of_them()
    {
        var seeded = int.TryParse(Environment.GetEnvironmentVariable("CEKURA_CONSOLE_SEED_CALLS"), CultureInfo.InvariantCulture, out var n) && n > 100 ? n : 120;
        var page = await fixture.NewPageAsync();
        var (key, _, organization, project) = await fixture.NewProjectAsync("paging-" + Guid.NewGuid().ToString("N")[..6]);
        var watch = Stopwatch.StartNew();
        await SeedAsync(fixture.Host.Services.GetRequiredService<ICallStore>(), organization, project, seeded);
        output.WriteLine($"Seeded {seeded} calls through ICallStore.InsertAsync in {watch.Elapsed.TotalSeconds:0.0} s");

        await ConsolePages.SignInAsync(page, key);
        var rows = page.Locator("table.calls tbody tr");
        await Expect(rows).ToHaveCountAsync(50);
        var pages = (seeded + 49) / 50;
        await Expect(page.Locator("nav.pager")).ToContainTextAsync($"Page 1 of {pages} · {seeded} calls");
        // Newest first: the last call seeded is the newest.
        await Expect(rows.First).ToContainTextAsync($"seeded-{seeded - 1:D5}");
        var renderMs = await page.Locator("table.calls").GetAttributeAsync("data-render-ms");
        output.WriteLine($"First page: 50 rows built in {renderMs} ms after the data arrived");
        // Failed calls show their stage and error message in the row.
        var failed = rows.Filter(new() { HasText = $"seeded-{(seeded - 1) / 10 * 10:D5}" });
        await Expect(failed.Locator(".stage")).ToHaveTextAsync("failed");
        await Expect(failed.Locator(".error-text")).ToHaveTextAsync("evaluation: the judge did not answer");
        await ConsolePages.ScreenshotAsync(page, "calls-paging");

        await page.GetByRole(AriaRole.Link, new() { Name = "Older →" }).ClickAsync();
        await Expect(page.Locator("nav.pager")).ToContainTextAsync($"Page 2 of {pages}");
        await Expect(rows.First).ToContainTextAsync($"seeded-{seeded - 51:D5}");
        await page.GotoAsync($"/console/calls?page={pages}");
        await Expect(rows).ToHaveCountAsync(seeded - (pages - 1) * 50);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older →" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "← Newer" }).ClickAsync();
        await Expect(page.Locator("nav.pager")).ToContainTextAsync($"Page {pages - 1} of {pages}");
    }

    /// <summary>Evaluated calls one minute apart, the newest a minute ago, written by four writers at once.</summary>
    private static async Task SeedAsync(ICallStore store, long organization, long project, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var timestamp = now.AddMinutes(-(count - i)).AddSeconds(-30);
                await store.InsertAsync(new CallLog
                {
                    OrganizationId = organization,
                    ProjectId = project,
                    CallId = $"seeded-{i:D5}",
                    AgentId = 1,
                    AgentName = "Seeded agent",
                    Timestamp = timestamp,
                    TranscriptType = "cekura",
                    TranscriptObject =
                    [
                        new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "Hello, how can I help?", StartTime = 0.5, EndTime = 2 },
                        new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Just checking in.", StartTime = 2.5, EndTime = 4 },
                    ],
                    Stage = i % 10 == 0 ? CallStage.Failed : CallStage.Evaluated,
                    ErrorMessage = i % 10 == 0 ? "evaluation: the judge did not answer" : null,
                    Success = i % 10 == 0 ? null : i % 3 != 0,
                    Status = i % 10 == 0 ? null : i % 3 != 0 ? "success" : "failure",
                    DurationSeconds = 30 + i % 300,
                    CallEndedReason = "customer-ended-call",
                    StageChangedAt = timestamp,
                    OutboxPublishedAt = timestamp,
                    CreatedAt = timestamp,
                    UpdatedAt = timestamp,
                }, CancellationToken.None);
            }
        })));
    }
}
