using System.Net;
using Cekura.AllInOne;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cekura.Console.Tests.Support;

/// <summary>
/// The all-in-one host as <c>scripts/run.sh</c> starts it (every module, SQLite, in-memory bus), listening on a real
/// loopback socket so a browser can reach it.
/// </summary>
public sealed class ConsoleHost : WebApplicationFactory<AllInOneEntryPoint>
{
    public const string ApiKey = "ck_live_consoleTestKeyConsoleTestKey00001";
    public const string TraceUrlTemplate = "http://traces.example.test/trace/{trace_id}";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-console-" + Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public void Start()
    {
        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>An HTTP client of the API on the socket, with the bootstrap key (or <paramref name="key"/>).</summary>
    public HttpClient ApiClient(string key = ApiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Gateway:BootstrapKey"] = ApiKey,
            ["Console:TraceUrlTemplate"] = TraceUrlTemplate,
            // Keys are re-read often, so a revocation reaches an open console session within seconds.
            ["Gateway:KeyCacheSeconds"] = "1",
            ["Console:DataProtectionKeysDirectory"] = Path.Combine(_dataDirectory, "console-keys"),
            ["Outbox:SweepIntervalSeconds"] = "0.2",
            ["Outbox:UnpublishedGraceSeconds"] = "1",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        // Kestrel's request logging would flood the test output.
        builder.ConfigureLogging(logging => logging.ClearProviders());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
