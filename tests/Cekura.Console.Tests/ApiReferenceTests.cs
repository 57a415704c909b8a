using System.Text.Json;
using Cekura.Console.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cekura.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class ApiReferenceTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_OpenAPI_document_gives_every_operation_the_gateways_error_answers()
    {
        using var http = new HttpClient { BaseAddress = fixture.Host.BaseAddress };
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        var operations = 0;
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                operations++;
                var responses = operation.Value.GetProperty("responses");
                foreach (var status in new[] { "401", "429", "504" })
                {
                    Assert.True(responses.TryGetProperty(status, out var response), $"{operation.Name} {path.Name} lacks {status}");
                    Assert.Equal("#/components/schemas/ErrorDetail",
                        response.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
                }
                Assert.True(responses.GetProperty("429").TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _)
                    || path.Name.Contains("/t/{token}/", StringComparison.Ordinal), $"{operation.Name} {path.Name}: 429 without Retry-After");
                if (operation.Value.TryGetProperty("requestBody", out _))
                {
                    Assert.True(responses.TryGetProperty("413", out _), $"{operation.Name} {path.Name} takes a body but lacks 413");
                }
                Assert.Contains(responses.EnumerateObject(), r => r.Name.StartsWith('4') && r.Name is not ("401" or "413" or "429"));
            }
        }
        Assert.True(operations >= 26, $"only {operations} operations documented");
        Assert.True(document.RootElement.GetProperty("paths").GetProperty("/observability/v2/call-logs/{id}/recording/")
            .GetProperty("get").GetProperty("responses").TryGetProperty("206", out _));
        // The console's own routes are not part of the API.
        Assert.DoesNotContain(document.RootElement.GetProperty("paths").EnumerateObject(), p => p.Name.StartsWith("/console", StringComparison.Ordinal) || p.Name == "/");
    }

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
