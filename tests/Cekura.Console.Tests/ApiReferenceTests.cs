using Cekura.Console.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class ApiReferenceTests(ConsoleFixture fixture)
{
    [SkippableFact]
    public async Task Docs_render_our_OpenAPI_document_with_nothing_loaded_from_another_origin()
    {
        var page = await fixture.NewPageAsync();
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" && url.Authority != fixture.Host.BaseAddress.Authority)
            {
                lock (elsewhere)
                {
                    elsewhere.Add(request.Url);
                }
            }
        };
        await page.GotoAsync("/docs");
        await Expect(page.GetByText("Cekura-compatible observability API").First).ToBeVisibleAsync();
        // Our endpoints, grouped by their API class; the console's own routes are not part of the document.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "CallLogsApi" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "ConsoleApi" })).ToHaveCountAsync(0);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await ConsolePages.ScreenshotAsync(page, "docs");
        lock (elsewhere)
        {
            Assert.True(elsewhere.Count == 0, "Requests to other origins: " + string.Join(", ", elsewhere));
        }
    }
}
