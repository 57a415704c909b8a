using Cekura.Contracts.Metrics;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// One SQLite file shared by the call, agent and key stores and the webhook outbox. WAL lets several processes on one machine read
/// while one writes; writers take the lock up front (BEGIN IMMEDIATE) so they queue instead of failing. The hot
/// single-row writes of the call path go through <see cref="WriteAsync{T}"/>, which commits many of them per fsync.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>Writes per transaction at most: enough to absorb a burst, small enough to keep the lock short.</summary>
    public const int DefaultMaxBatch = 128;

    public const int DefaultQueueCapacity = 4096;

    /// <summary>How long a write waits for another connection's write lock before it fails (SQLite's busy timeout).</summary>
    public const int DefaultBusyTimeoutSeconds = 30;

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly SqliteGroupCommit _writes;
    private volatile bool _initialized;

    /// <param name="path">The database file.</param>
    /// <param name="maxBatch">Most writes committed together by <see cref="WriteAsync{T}"/>; 1 commits each alone.</param>
    /// <param name="queueCapacity">Most writes waiting for the writer; callers beyond it wait for room.</param>
    /// <param name="busyTimeoutSeconds">How long a write waits for another connection's write lock; a group-commit write
    /// still waiting then fails with <see cref="StoreBusyException"/>.</param>
    public SqliteDatabase(string path, int maxBatch = DefaultMaxBatch, int queueCapacity = DefaultQueueCapacity,
        int busyTimeoutSeconds = DefaultBusyTimeoutSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(busyTimeoutSeconds, 1);
        Path = path;
        _writes = new SqliteGroupCommit(OpenWriterAsync, maxBatch, queueCapacity);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy statement for this long too, on top of SQLite's own wait.
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
        // synchronous=FULL: a 201 promises the call survives a power cut, not just a process crash.
        _pragmas = $"PRAGMA busy_timeout={busyTimeoutSeconds * 1000}; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
    }

    public string Path { get; }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction shared with the other writes queued meanwhile (see
    /// <see cref="SqliteGroupCommit"/>); completes once that transaction has committed with <c>synchronous=FULL</c>.
    /// </summary>
    public Task<T> WriteAsync<T>(SqliteGroupCommit.Write<T> write, CancellationToken cancellationToken) =>
        _writes.WriteAsync(write, cancellationToken);

    /// <summary>Transactions and writes of <see cref="WriteAsync{T}"/> so far.</summary>
    public (long Transactions, long Writes) WriteCounts => _writes.Counts;

    /// <summary>Commits every write still queued, then refuses new ones.</summary>
    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    public void Dispose() => _writes.Dispose();

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }
        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>The group commit writer's connection (see <see cref="SqliteWriterConnection"/>).</summary>
    private async Task<SqliteWriterConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }
        return await OpenRawAsync(new SqliteWriterConnection(_connectionString), cancellationToken);
    }

    private Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken) =>
        OpenRawAsync(new SqliteConnection(_connectionString), cancellationToken);

    private async Task<T> OpenRawAsync<T>(T connection, CancellationToken cancellationToken) where T : SqliteConnection
    {
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, _pragmas, cancellationToken);
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

    /// <summary>
    /// <c>BEGIN IMMEDIATE</c> on <paramref name="connection"/>: the write lock up front, waiting up to the busy timeout;
    /// still held by another writer then, it is a <see cref="StoreBusyException"/> (nothing was written).
    /// </summary>
    public static SqliteTransaction BeginWrite(SqliteConnection connection)
    {
        try
        {
            return connection.BeginTransaction(deferred: false);
        }
        catch (SqliteException e) when (IsBusy(e))
        {
            throw new StoreBusyException("another connection held the SQLite file's write lock for the whole busy timeout", e);
        }
    }

    /// <summary>A statement outside <see cref="BeginWrite"/> (an autocommit UPDATE) that waited the whole busy timeout.</summary>
    public static bool IsBusy(SqliteException e) => e.SqliteErrorCode is SqliteBusy or SqliteLocked;

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
        await using var version = connection.CreateCommand();
        version.Transaction = transaction;
        version.CommandText = "PRAGMA user_version";
        var applied = (long)(await version.ExecuteScalarAsync(cancellationToken))!;
        for (var next = applied; next < Migrations.Length; next++)
        {
            // user_version lives in the file's header, so it commits (or not) with the migration it counts.
            await ExecuteAsync(connection, $"{Migrations[next]}\nPRAGMA user_version = {next + 1};", cancellationToken, transaction);
        }
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
    // calls_waiting and calls_owed (the backlog gauges' counts) only need columns every file has had, so they sit here
    // with IF NOT EXISTS rather than in a migration: an older file gets them at its next start.
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
        CREATE INDEX IF NOT EXISTS calls_waiting ON calls (stage) WHERE {{SqliteCallStore.WaitingCondition}};
        CREATE INDEX IF NOT EXISTS calls_owed ON calls (stage, outbox_published_at) WHERE {{SqliteCallStore.OwedCondition}};
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

    /// <summary>
    /// Changes to files made by earlier versions, applied in order once each (counted in <c>PRAGMA user_version</c>)
    /// after <see cref="Schema"/>. Append only: a file records how many it has had.
    /// </summary>
    private static readonly string[] Migrations = [ListFilterIndexes, OutboxClaims, AgentTraces, CallTranscripts, IndexedColumns, TraceSettlement];

    /// <summary>
    /// Which traces owe a look at their evaluated calls (late spans): every stored export sets <c>owed</c>, the
    /// late-span sweep claims a quiet owed trace for a lease (<c>claimed_until</c>) and clears <c>owed</c> once done,
    /// so a restart in the quiet time loses nothing. The partial index holds owed traces only. Traces stored before
    /// this migration are taken as settled.
    /// </summary>
    private const string TraceSettlement = """
        ALTER TABLE agent_traces ADD COLUMN owed INTEGER NULL;
        ALTER TABLE agent_traces ADD COLUMN claimed_until INTEGER NULL;
        CREATE INDEX agent_traces_owed ON agent_traces (updated_at) WHERE owed = 1;
        """;

    /// <summary>
    /// The values the indexes and the metadata triggers read become plain columns, written by the store beside the
    /// document (<c>SqliteCallStore.ColumnValues</c>), where they were virtual columns and expression indexes
    /// over it. Every write of a document made SQLite parse it again for each of those indexes, old and new row
    /// (and twice more for the metadata trigger's condition): under load that was most of the single writer's time per
    /// write. The columns keep their names and indexes, so the list filters and their plans stay as they were; the
    /// expression indexes of the recording key and the redelivery time (once created by <see cref="Schema"/>) become
    /// indexes on columns of their own. Existing calls are filled in from their documents.
    /// </summary>
    private const string IndexedColumns = """
        DROP TRIGGER calls_metadata_insert;
        DROP TRIGGER calls_metadata_update;
        DROP INDEX calls_project_success_ts;
        DROP INDEX calls_project_status_ts;
        DROP INDEX calls_project_duration_ts;
        DROP INDEX calls_project_customer_number_ts;
        DROP INDEX calls_project_call_ended_reason_ts;
        DROP INDEX calls_project_topic_ts;
        DROP INDEX calls_project_dropoff_point_ts;
        DROP INDEX calls_project_is_reviewed_ts;
        DROP INDEX calls_project_trace_id;
        DROP INDEX IF EXISTS calls_recording_key;
        DROP INDEX IF EXISTS calls_redeliver_at;
        ALTER TABLE calls DROP COLUMN success;
        ALTER TABLE calls DROP COLUMN status;
        ALTER TABLE calls DROP COLUMN duration_seconds;
        ALTER TABLE calls DROP COLUMN customer_number;
        ALTER TABLE calls DROP COLUMN call_ended_reason;
        ALTER TABLE calls DROP COLUMN topic;
        ALTER TABLE calls DROP COLUMN dropoff_point;
        ALTER TABLE calls DROP COLUMN is_reviewed;
        ALTER TABLE calls DROP COLUMN trace_id;
        ALTER TABLE calls ADD COLUMN success INTEGER NULL;
        ALTER TABLE calls ADD COLUMN status TEXT NULL;
        ALTER TABLE calls ADD COLUMN duration_seconds REAL NULL;
        ALTER TABLE calls ADD COLUMN customer_number TEXT NULL;
        ALTER TABLE calls ADD COLUMN call_ended_reason TEXT NULL;
        ALTER TABLE calls ADD COLUMN topic TEXT NULL;
        ALTER TABLE calls ADD COLUMN dropoff_point TEXT NULL;
        ALTER TABLE calls ADD COLUMN is_reviewed INTEGER NULL;
        ALTER TABLE calls ADD COLUMN trace_id TEXT NULL;
        ALTER TABLE calls ADD COLUMN recording_key TEXT NULL;
        ALTER TABLE calls ADD COLUMN redeliver_at TEXT NULL;
        ALTER TABLE calls ADD COLUMN metadata TEXT NULL;
        UPDATE calls SET
            success = json_extract(doc, '$.success'),
            status = json_extract(doc, '$.status'),
            duration_seconds = json_extract(doc, '$.duration_seconds'),
            customer_number = json_extract(doc, '$.customer_number'),
            call_ended_reason = json_extract(doc, '$.call_ended_reason'),
            topic = json_extract(doc, '$.topic'),
            dropoff_point = json_extract(doc, '$.dropoff_point'),
            is_reviewed = json_extract(doc, '$.is_reviewed'),
            trace_id = json_extract(doc, '$.trace_id'),
            recording_key = json_extract(doc, '$.recording.blob_key'),
            redeliver_at = json_extract(doc, '$.redeliver_at'),
            metadata = CASE WHEN json_type(doc, '$.metadata') = 'object' THEN json_extract(doc, '$.metadata') END;
        CREATE INDEX calls_project_success_ts ON calls (project_id, success, ts);
        CREATE INDEX calls_project_status_ts ON calls (project_id, status, ts);
        CREATE INDEX calls_project_duration_ts ON calls (project_id, duration_seconds, ts);
        CREATE INDEX calls_project_customer_number_ts ON calls (project_id, customer_number, ts);
        CREATE INDEX calls_project_call_ended_reason_ts ON calls (project_id, call_ended_reason, ts);
        CREATE INDEX calls_project_topic_ts ON calls (project_id, topic, ts);
        CREATE INDEX calls_project_dropoff_point_ts ON calls (project_id, dropoff_point, ts);
        CREATE INDEX calls_project_is_reviewed_ts ON calls (project_id, is_reviewed, ts);
        CREATE INDEX calls_project_trace_id ON calls (project_id, trace_id) WHERE trace_id IS NOT NULL;
        CREATE INDEX calls_recording_key ON calls (recording_key);
        CREATE INDEX calls_redeliver_at ON calls (redeliver_at) WHERE redeliver_at IS NOT NULL;
        CREATE TRIGGER calls_metadata_insert AFTER INSERT ON calls WHEN new.metadata IS NOT NULL BEGIN
            INSERT INTO call_metadata (call_rowid, project_id, key, type, atom)
            SELECT new.id, new.project_id, m.key, m.type, m.atom FROM json_each(new.metadata) AS m;
        END;
        CREATE TRIGGER calls_metadata_update AFTER UPDATE OF metadata ON calls WHEN old.metadata IS NOT new.metadata BEGIN
            DELETE FROM call_metadata WHERE call_rowid = old.id;
            INSERT INTO call_metadata (call_rowid, project_id, key, type, atom)
            SELECT new.id, new.project_id, m.key, m.type, m.atom FROM json_each(new.metadata) AS m WHERE new.metadata IS NOT NULL;
        END;
        """;

    /// <summary>
    /// Each call's transcript (or its sealed form) apart from its document, so that a write which leaves the transcript
    /// as it was (most stage writes, and every publish confirmation) rewrites a document of about a kilobyte rather
    /// than the whole call (see <c>SqliteCallStore.WriteTranscriptAsync</c>). Calls written before this keep the
    /// transcript in their document until their next write moves it here; reads take it from here when a row exists.
    /// </summary>
    private const string CallTranscripts = """
        CREATE TABLE call_transcripts (
            id INTEGER PRIMARY KEY,
            body TEXT NOT NULL
        );
        CREATE TRIGGER calls_transcript_delete AFTER DELETE ON calls BEGIN
            DELETE FROM call_transcripts WHERE id = old.id;
        END;
        """;

    /// <summary>
    /// A voice agent's own spans (OTLP). The primary key leads with (project, trace id), so reading a trace is one range
    /// of it; <c>received_at</c> (epoch ms) serves the retention sweep. <c>calls.trace_id</c> names the column the
    /// late-span re-evaluation looks calls up by, with the project first so one project's calls never mix with another's.
    /// </summary>
    private const string AgentTraces = """
        CREATE TABLE agent_spans (
            project_id INTEGER NOT NULL,
            trace_id TEXT NOT NULL,
            span_id TEXT NOT NULL,
            parent_span_id TEXT NULL,
            name TEXT NOT NULL,
            service TEXT NULL,
            start_ns INTEGER NOT NULL,
            end_ns INTEGER NOT NULL,
            status_code TEXT NOT NULL,
            status_message TEXT NULL,
            attributes TEXT NOT NULL,
            dropped_attributes INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (project_id, trace_id, span_id)
        ) WITHOUT ROWID;
        CREATE INDEX agent_spans_received_at ON agent_spans (received_at);
        CREATE TABLE agent_traces (
            project_id INTEGER NOT NULL,
            trace_id TEXT NOT NULL,
            dropped_spans INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (project_id, trace_id)
        );
        CREATE INDEX agent_traces_updated_at ON agent_traces (updated_at);
        ALTER TABLE calls ADD COLUMN trace_id TEXT GENERATED ALWAYS AS (json_extract(doc, '$.trace_id')) VIRTUAL;
        CREATE INDEX calls_project_trace_id ON calls (project_id, trace_id) WHERE trace_id IS NOT NULL;
        """;

    /// <summary>
    /// The outbox relay's claims and back-off, beside the stage columns every write already keeps. A claim belongs to
    /// one visit of a stage (<c>relay_for</c> is the <c>stage_changed_at</c> it was made for), so a call that moves
    /// on starts afresh without any write path having to clear it. Two virtual columns name each owed call's state
    /// (unconfirmed since its stage change, stalled since its confirmation, claimed until its lease or back-off
    /// ends) and that time; their partial index holds only calls that owe something, so the relay's sweep is three
    /// index range seeks (see <see cref="SqliteCallStore.ClaimSql"/>), however many finished calls the file holds.
    /// </summary>
    private const string OutboxClaims = """
        DROP INDEX IF EXISTS calls_outbox;
        ALTER TABLE calls ADD COLUMN relay_claim TEXT NULL;
        ALTER TABLE calls ADD COLUMN relay_for INTEGER NULL;
        ALTER TABLE calls ADD COLUMN relay_after INTEGER NULL;
        ALTER TABLE calls ADD COLUMN relay_attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN relay_state TEXT GENERATED ALWAYS AS (CASE
            WHEN stage = 'failed' OR (stage = 'evaluated' AND outbox_published_at IS NOT NULL) THEN NULL
            WHEN relay_for = stage_changed_at THEN 'claimed'
            WHEN outbox_published_at IS NULL THEN 'unconfirmed'
            ELSE 'stalled' END) VIRTUAL;
        ALTER TABLE calls ADD COLUMN relay_since INTEGER GENERATED ALWAYS AS (CASE
            WHEN relay_for = stage_changed_at THEN relay_after
            WHEN outbox_published_at IS NULL THEN stage_changed_at
            ELSE outbox_published_at END) VIRTUAL;
        CREATE INDEX calls_relay ON calls (relay_state, relay_since) WHERE relay_state IS NOT NULL;
        """;

    /// <summary>
    /// Indexes for every call-list filter. The filterable fields live in the JSON document; virtual generated
    /// columns name them (computed on read, stored only in their indexes), so no write path has to keep copies in
    /// step. Each index leads with the project and ends with <c>ts</c>, so "equal to X, newest first" is one index
    /// walk. Metadata keys are open-ended, so each call's top-level metadata entries become rows of
    /// <c>call_metadata</c> (key, JSON type, value), maintained by triggers from the document itself.
    /// </summary>
    private const string ListFilterIndexes = """
        ALTER TABLE calls ADD COLUMN success INTEGER GENERATED ALWAYS AS (json_extract(doc, '$.success')) VIRTUAL;
        ALTER TABLE calls ADD COLUMN status TEXT GENERATED ALWAYS AS (json_extract(doc, '$.status')) VIRTUAL;
        ALTER TABLE calls ADD COLUMN duration_seconds REAL GENERATED ALWAYS AS (json_extract(doc, '$.duration_seconds')) VIRTUAL;
        ALTER TABLE calls ADD COLUMN customer_number TEXT GENERATED ALWAYS AS (json_extract(doc, '$.customer_number')) VIRTUAL;
        ALTER TABLE calls ADD COLUMN call_ended_reason TEXT GENERATED ALWAYS AS (json_extract(doc, '$.call_ended_reason')) VIRTUAL;
        ALTER TABLE calls ADD COLUMN topic TEXT GENERATED ALWAYS AS (json_extract(doc, '$.topic')) VIRTUAL;
        ALTER TABLE calls ADD COLUMN dropoff_point TEXT GENERATED ALWAYS AS (json_extract(doc, '$.dropoff_point')) VIRTUAL;
        ALTER TABLE calls ADD COLUMN is_reviewed INTEGER GENERATED ALWAYS AS (json_extract(doc, '$.is_reviewed')) VIRTUAL;
        CREATE INDEX calls_project_agent_ts ON calls (project_id, agent_id, ts);
        CREATE INDEX calls_project_success_ts ON calls (project_id, success, ts);
        CREATE INDEX calls_project_status_ts ON calls (project_id, status, ts);
        CREATE INDEX calls_project_duration_ts ON calls (project_id, duration_seconds, ts);
        CREATE INDEX calls_project_customer_number_ts ON calls (project_id, customer_number, ts);
        CREATE INDEX calls_project_call_ended_reason_ts ON calls (project_id, call_ended_reason, ts);
        CREATE INDEX calls_project_topic_ts ON calls (project_id, topic, ts);
        CREATE INDEX calls_project_dropoff_point_ts ON calls (project_id, dropoff_point, ts);
        CREATE INDEX calls_project_is_reviewed_ts ON calls (project_id, is_reviewed, ts);

        CREATE TABLE call_metadata (
            call_rowid INTEGER NOT NULL,
            project_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            type TEXT NOT NULL,
            atom
        );
        CREATE INDEX call_metadata_lookup ON call_metadata (project_id, key, type, atom, call_rowid);
        CREATE INDEX call_metadata_call ON call_metadata (call_rowid);
        CREATE TRIGGER calls_metadata_insert AFTER INSERT ON calls BEGIN
            INSERT INTO call_metadata (call_rowid, project_id, key, type, atom)
            SELECT new.id, new.project_id, m.key, m.type, m.atom FROM json_each(new.doc, '$.metadata') AS m
            WHERE json_type(new.doc, '$.metadata') = 'object';
        END;
        CREATE TRIGGER calls_metadata_update AFTER UPDATE OF doc ON calls
        WHEN json_extract(old.doc, '$.metadata') IS NOT json_extract(new.doc, '$.metadata') BEGIN
            DELETE FROM call_metadata WHERE call_rowid = old.id;
            INSERT INTO call_metadata (call_rowid, project_id, key, type, atom)
            SELECT new.id, new.project_id, m.key, m.type, m.atom FROM json_each(new.doc, '$.metadata') AS m
            WHERE json_type(new.doc, '$.metadata') = 'object';
        END;
        CREATE TRIGGER calls_metadata_delete AFTER DELETE ON calls BEGIN
            DELETE FROM call_metadata WHERE call_rowid = old.id;
        END;
        INSERT INTO call_metadata (call_rowid, project_id, key, type, atom)
        SELECT c.id, c.project_id, m.key, m.type, m.atom FROM calls AS c, json_each(c.doc, '$.metadata') AS m
        WHERE json_type(c.doc, '$.metadata') = 'object';
        """;
}
