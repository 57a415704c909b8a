using Cekura.Gateway.Administration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Cekura.Console.Tests.Support;

/// <summary>
/// One host and one Chromium for the console tests. The host always starts (the HTTP-level tests need no browser);
/// without Debian's chromium the browser tests skip and say so.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumPaths = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];

    private IPlaywright? _playwright;

    public ConsoleHost Host { get; } = new();
    public IBrowser? Browser { get; private set; }
    public string? BrowserMissing { get; private set; }

    public async Task InitializeAsync()
    {
        Host.Start();
        var chromium = Environment.GetEnvironmentVariable("CEKURA_TEST_CHROMIUM") is { Length: > 0 } configured
            ? [configured]
            : ChromiumPaths;
        var executable = chromium.FirstOrDefault(File.Exists);
        if (executable is null)
        {
            BrowserMissing = $"Chromium is not installed (looked for {string.Join(", ", chromium)}); " +
                "scripts/test.sh installs it (apt-get install chromium), or set CEKURA_TEST_CHROMIUM.";
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true });
    }

    /// <summary>A fresh browser context (its own cookies) on the host.</summary>
    public async Task<IPage> NewPageAsync()
    {
        Skip.If(Browser is null, BrowserMissing);
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>A key of a new organisation's project: another tenant.</summary>
    public async Task<(string Key, long KeyId)> NewProjectKeyAsync(string name)
    {
        var (key, keyId, _, _) = await NewProjectAsync(name);
        return (key, keyId);
    }

    /// <summary>A new organisation with one project and a key of it.</summary>
    public async Task<(string Key, long KeyId, long OrganizationId, long ProjectId)> NewProjectAsync(string name)
    {
        var admin = Host.Services.GetRequiredService<KeyAdministration>();
        var organization = await admin.CreateOrganizationAsync(name, CancellationToken.None);
        var project = await admin.CreateProjectAsync(organization.Id, name, null, CancellationToken.None);
        var (created, _, error) = await admin.CreateKeyAsync(new NewKeyRequest(organization.Id, project!.Id, name), CancellationToken.None);
        Assert.True(created is not null, error);
        return (created!.Key, created.Details.Id, organization.Id, project.Id);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
