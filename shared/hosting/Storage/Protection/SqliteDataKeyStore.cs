using System.Security.Cryptography;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Protection;

/// <summary>
/// Data keys in their own SQLite file beside the call database. <c>secure_delete</c> overwrites a deleted key's
/// bytes in the database file, and a truncating WAL checkpoint after each deletion leaves no copy in the WAL.
/// A key is created for every call that asks for redaction, so creations are committed in groups, like the call
/// store's writes (<see cref="SqliteGroupCommit"/>).
/// </summary>
public sealed class SqliteDataKeyStore : IDataKeyStore, IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly SqliteGroupCommit _writes;
    private volatile bool _initialized;

    public SqliteDataKeyStore(
        string path, int maxBatch = SqliteDatabase.DefaultMaxBatch, int queueCapacity = SqliteDatabase.DefaultQueueCapacity)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writes = new SqliteGroupCommit(OpenWriterAsync, maxBatch, queueCapacity);
    }

    public string Path { get; }

    public Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var key = RandomNumberGenerator.GetBytes(32);
        return _writes.WriteAsync(async (connection, transaction, token) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO data_keys (id, key) VALUES ($id, $key)";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$key", key);
            await command.ExecuteNonQueryAsync(token);
            return id;
        }, cancellationToken);
    }

    /// <summary>Commits every key creation still queued, then refuses new ones.</summary>
    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    public void Dispose() => _writes.Dispose();

    public async Task<byte[]?> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM data_keys WHERE id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task DestroyAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM data_keys WHERE id = $id; PRAGMA wal_checkpoint(TRUNCATE);";
        command.Parameters.AddWithValue("$id", keyId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        OpenAsync(new SqliteConnection(_connectionString), cancellationToken);

    private Task<SqliteWriterConnection> OpenWriterAsync(CancellationToken cancellationToken) =>
        OpenAsync(new SqliteWriterConnection(_connectionString), cancellationToken);

    private async Task<T> OpenAsync<T>(T connection, CancellationToken cancellationToken) where T : SqliteConnection
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        // secure_delete is per connection: every connection that may delete a key must set it.
        pragmas.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await SqliteDatabase.ExecuteAsync(connection, """
            PRAGMA busy_timeout=30000;
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS data_keys (id TEXT PRIMARY KEY, key BLOB NOT NULL);
            """, cancellationToken);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            await SqliteDatabase.RetryWhileLockedAsync(CreateSchemaAsync, cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }
}
