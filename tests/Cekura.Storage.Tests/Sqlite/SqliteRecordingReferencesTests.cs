using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteRecordingReferencesTests : RecordingReferencesContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-refs-{Guid.NewGuid():N}.db");

    protected override Task<(ICallStore Calls, IRecordingReferences References)> OpenStoresAsync()
    {
        var database = new SqliteDatabase(_path);
        return Task.FromResult<(ICallStore, IRecordingReferences)>((new SqliteCallStore(database), new SqliteRecordingReferences(database)));
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
    public async Task The_lookup_uses_the_recording_key_index()
    {
        var database = new SqliteDatabase(_path);
        await new SqliteCallStore(database).GetForWorkerAsync(1, Ct);
        await using var connection = await database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteRecordingReferences.LookupSql(["'a'", "'b'"]);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, step => step.Contains("calls_recording_key", StringComparison.Ordinal));
    }
}
