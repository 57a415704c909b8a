using Cekura.Console.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests;

/// <summary>axe-core's WCAG 2 A/AA rules (labels, names, roles, contrast, landmarks) on every page of the console.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessibilityTests(ConsoleFixture fixture)
{
    private static readonly AxeRunOptions Wcag = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [SkippableFact]
    public async Task Every_page_passes_axe_WCAG_2_AA_checks()
    {
        var page = await fixture.NewPageAsync();
        using var api = fixture.Host.ApiClient();
        var id = await ConsolePages.SendAsync(api, ConsolePages.Call("a11y-" + Guid.NewGuid().ToString("N")[..8]));
        await ConsolePages.WaitEvaluatedAsync(api, id);

        await page.GotoAsync("/");
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        var problems = await ViolationsAsync(page, "sign-in");
        await ConsolePages.SignInAsync(page);
        await Expect(page.Locator("table.calls tbody tr").First).ToBeVisibleAsync();
        problems.AddRange(await ViolationsAsync(page, "calls"));
        foreach (var (path, ready) in new[]
        {
            ($"/console/calls/{id}", "table.metrics"),
            ("/console/agents", "table"),
            ("/console/agents/new", "form"),
            ("/console/agents/1", "form"),
            ("/console/metrics", "table"),
            ("/console/metrics/new", "form"),
        })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            problems.AddRange(await ViolationsAsync(page, path));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task<List<string>> ViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe(Wcag);
        // axe really looked at the page: a page it could not inspect would pass no rule either.
        Assert.NotEmpty(result.Passes);
        return result.Violations.Select(v =>
            $"{where}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Select(n => n.Html).Take(3))}").ToList();
    }
}
