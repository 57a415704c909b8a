using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteMetricStoreTests : MetricStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-metrics-{Guid.NewGuid():N}.db");

    protected override Task<(IMetricStore Metrics, IAgentStore Agents)> OpenStoresAsync()
    {
        var database = new SqliteDatabase(_path);
        return Task.FromResult<(IMetricStore, IAgentStore)>((new SqliteMetricStore(database), new SqliteAgentStore(database)));
    }

    protected override Task CloseStoresAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_second_database_instance_on_the_file_keeps_counting_from_the_stored_ids()
    {
        // Schema set-up runs again for each instance (each process); it must not reset the sequence.
        var first = await Metrics.CreateAsync(SampleData.Metric(), Ct);

        var again = await new SqliteMetricStore(new SqliteDatabase(_path)).CreateAsync(SampleData.Metric(), Ct);

        Assert.Equal(first.Id + 1, again.Id);
    }
}
