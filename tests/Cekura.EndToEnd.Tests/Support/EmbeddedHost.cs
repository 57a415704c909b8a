using Cekura.AllInOne;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>
/// The all-in-one host exactly as <c>scripts/run.sh</c> starts it (gateway, ingest and the three stages in one
/// process), on a fresh data directory, reached through the gateway's middleware.
/// </summary>
public sealed class EmbeddedHost : WebApplicationFactory<AllInOneEntryPoint>
{
    public const string ApiKey = "ck_live_e2eTestKeyE2eTestKeyE2eTestKey0001";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public EmbeddedHost(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "cekura-e2e-" + Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Gateway:BootstrapKey"] = ApiKey,
            ["Outbox:SweepIntervalSeconds"] = "0.2",
            ["Outbox:UnpublishedGraceSeconds"] = "1",
            ["Bus:Retry:Limit"] = "2",
            ["Bus:Retry:MinIntervalMs"] = "20",
            ["Bus:Retry:MaxIntervalMs"] = "100",
            // A store that never heals fails the call within a second, as tests of the failure path expect.
            ["Bus:Redelivery:Limit"] = "2",
            ["Bus:Redelivery:MinIntervalSeconds"] = "0.1",
            ["Bus:Redelivery:MaxIntervalSeconds"] = "0.3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        _services = services;
    }

    public string DataDirectory { get; }

    public HttpClient CreateAuthorizedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", ApiKey);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
