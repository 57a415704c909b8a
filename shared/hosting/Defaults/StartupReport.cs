using Cekura.Hosting.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Defaults;

/// <summary>Says at start what this process runs and on what, and warns about mixes that only work on one machine.</summary>
public sealed class StartupReport(
    IOptions<CekuraOptions> cekura, IOptions<StorageOptions> storage, IOptions<BusOptions> bus,
    ILogger<StartupReport> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var s = storage.Value;
        logger.LogInformation(
            "Cekura modules [{Targets}]; call store {CallStore}; blobs {Blobs}; bus {Transport}",
            string.Join(", ", cekura.Value.TargetSet.Order()), s.CallStore, s.Blobs, bus.Value.Transport);
        if (!cekura.Value.RunsAllModules && (s.CallStore == CallStoreKind.Sqlite || s.Blobs == BlobStoreKind.Local))
        {
            logger.LogWarning(
                "This process runs only some modules on SQLite/local-directory storage: every process must share that " +
                "directory ({DataDirectory}), so all of them must run on this machine. Use Mongo and S3 across machines.",
                Path.GetFullPath(s.DataDirectory));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
