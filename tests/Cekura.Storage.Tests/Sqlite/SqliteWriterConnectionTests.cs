using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteWriterConnectionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-writer-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task A_statement_is_prepared_once_and_reused_across_transactions_with_fresh_parameters()
    {
        await using var connection = new SqliteWriterConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await SqliteDatabase.ExecuteAsync(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)", CancellationToken.None);
        const string insert = "INSERT INTO t (id, v) VALUES ($id, $v)";

        SqliteCommand? first = null;
        for (var i = 1; i <= 3; i++)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            var command = connection.Prepared(insert, transaction);
            first ??= command;
            // The same command object each time (SQLite keeps its compiled statement), enlisted in this transaction,
            // with no parameter left from the last use.
            Assert.Same(first, command);
            Assert.Same(transaction, command.Transaction);
            Assert.Empty(command.Parameters);
            command.Parameters.AddWithValue("$id", i);
            command.Parameters.AddWithValue("$v", $"row {i}");
            await command.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        var count = connection.Prepared("SELECT group_concat(v, '|') FROM t", null);
        Assert.Equal("row 1|row 2|row 3", await count.ExecuteScalarAsync());
    }

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}
