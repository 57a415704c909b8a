using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteTenancyStoreTests : TenancyStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-tenancy-{Guid.NewGuid():N}.db");

    protected override Task<ITenancyStore> OpenStoreAsync() => Task.FromResult<ITenancyStore>(new SqliteTenancyStore(new SqliteDatabase(_path)));

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
