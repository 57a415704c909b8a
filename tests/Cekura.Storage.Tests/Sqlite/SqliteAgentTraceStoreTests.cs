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

    [Fact]
    public async Task The_late_span_sweep_reads_only_the_partial_index_of_owed_traces()
    {
        Assert.Empty(await Store.ClaimQuietAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), 10, Ct)); // the schema
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteAgentTraceStore.QuietSql;
        SqliteAgentTraceStore.AddQuietParameters(command, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 100);
        var steps = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                steps.Add(reader.GetString(3));
            }
        }

        Assert.Equal(["SEARCH agent_traces USING INDEX agent_traces_owed (updated_at<?)"], steps);
    }

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
