using Cekura.Contracts.Metrics;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// One SQLite file shared by the call, agent and key stores and the webhook outbox. WAL lets several processes on one machine read
/// while one writes; writers take the lock up front (BEGIN IMMEDIATE) so they queue instead of failing.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }
        return await OpenRawAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // synchronous=FULL: a 201 promises the call survives a power cut, not just a process crash.
        await ExecuteAsync(connection, "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", cancellationToken);
        return connection;
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
            await RetryWhileLockedAsync(CreateSchemaAsync, cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// Runs a file's set-up, retrying while another process holds it: processes starting together on a new file race
    /// to switch it to WAL, which takes an exclusive lock that SQLite's busy handler does not wait for.
    /// </summary>
    public static async Task RetryWhileLockedAsync(Func<CancellationToken, Task> setUp, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await setUp(cancellationToken);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked && attempt < 20)
            {
                await Task.Delay(100 * attempt, cancellationToken);
            }
        }
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenRawAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, Schema, cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task ExecuteAsync(
        SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Custom metric ids start at MetricDefinition.FirstCustomId (1001): AUTOINCREMENT continues from the sequence row
    // seeded here, and never reuses an id, even that of a deleted metric.
    private static readonly string Schema = $$"""
        CREATE TABLE IF NOT EXISTS calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            project_id INTEGER NOT NULL,
            call_id TEXT NOT NULL,
            agent_id INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            stage TEXT NOT NULL,
            stage_changed_at INTEGER NOT NULL,
            outbox_published_at INTEGER NULL,
            version INTEGER NOT NULL,
            doc TEXT NOT NULL,
            UNIQUE (project_id, call_id)
        );
        CREATE INDEX IF NOT EXISTS calls_project_ts ON calls (project_id, ts DESC, id DESC);
        CREATE INDEX IF NOT EXISTS calls_outbox ON calls (stage, outbox_published_at, stage_changed_at);
        CREATE TABLE IF NOT EXISTS agents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            project_id INTEGER NOT NULL,
            assistant_id TEXT NULL,
            doc TEXT NOT NULL,
            UNIQUE (project_id, assistant_id)
        );
        CREATE INDEX IF NOT EXISTS agents_webhook_token ON agents (json_extract(doc, '$.webhook_token_hash'));
        CREATE TABLE IF NOT EXISTS metrics (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            project_id INTEGER NOT NULL,
            doc TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS metrics_project ON metrics (project_id, id);
        INSERT INTO sqlite_sequence (name, seq)
            SELECT 'metrics', max({{MetricDefinition.FirstCustomId - 1}}, coalesce((SELECT max(id) FROM metrics), 0))
            WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'metrics');
        CREATE TABLE IF NOT EXISTS api_keys (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            prefix TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            doc TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS api_keys_prefix ON api_keys (prefix);
        CREATE TABLE IF NOT EXISTS organizations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS projects (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            organization_id INTEGER NOT NULL,
            doc TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_key TEXT NOT NULL UNIQUE,
            project_id INTEGER NOT NULL,
            call_log_id INTEGER NOT NULL,
            url TEXT NOT NULL,
            secret TEXT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT NULL,
            last_status_code INTEGER NULL,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER NULL,
            abandoned_at INTEGER NULL,
            lease_id TEXT NULL,
            leased_until INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS webhook_deliveries_project ON webhook_deliveries (project_id, call_log_id);
        """;
}
