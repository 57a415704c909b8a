using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteAgentTraceStoreTests : AgentTraceStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-traces-{Guid.NewGuid():N}.db");

    protected override Task<IAgentTraceStore> OpenStoreAsync(AgentTraceLimits limits) =>
        Task.FromResult<IAgentTraceStore>(new SqliteAgentTraceStore(new SqliteDatabase(_path), limits));

    protected override Task CloseStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return Task.CompletedTask;
    }
}
