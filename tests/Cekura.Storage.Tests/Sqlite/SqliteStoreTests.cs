using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteStoreTests : StoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-test-{Guid.NewGuid():N}.db");

    protected override Task<(ICallStore Calls, IAgentStore Agents, IApiKeyStore Keys)> OpenStoresAsync()
    {
        var database = new SqliteDatabase(_path);
        return Task.FromResult<(ICallStore, IAgentStore, IApiKeyStore)>(
            (new SqliteCallStore(database), new SqliteAgentStore(database), new SqliteApiKeyStore(database)));
    }

    protected override Task CloseStoresAsync()
    {
        // Pooled connections keep the file (and its -wal/-shm) open.
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_database_instances_on_one_file_insert_concurrently_without_errors()
    {
        // Two SqliteDatabase objects stand in for two processes: separate pools, separate schema initialization.
        var stores = new[] { new SqliteCallStore(new SqliteDatabase(_path)), new SqliteCallStore(new SqliteDatabase(_path)) };
        const int perWriter = 50;

        await Task.WhenAll(stores.SelectMany((store, s) => Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await store.InsertAsync(MinimalCall(callId: $"s{s}-w{w}-{i}"), Ct);
            }
        }))));

        var page = await stores[0].ListAsync(AllOf(1) with { PageSize = 1000 }, Ct);
        Assert.Equal(4 * perWriter, page.Count);
        Assert.Equal(4 * perWriter, page.Items.Select(c => c.Id).Distinct().Count());
        Assert.Equal(4 * perWriter, (await stores[1].ListAsync(AllOf(1) with { PageSize = 1000 }, Ct)).Items.Count);
    }
}
