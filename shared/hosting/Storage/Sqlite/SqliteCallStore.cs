using System.Text;
using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Calls;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// Calls as JSON documents, with the columns that queries filter on kept beside them. The transcript (or its sealed
/// form) is kept apart, in <c>call_transcripts</c> (see <see cref="StoredTranscript"/>).
/// </summary>
public sealed partial class SqliteCallStore(SqliteDatabase database) : ICallStore
{
    public async Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken)
    {
        // Serialized here, on the caller's thread, so the writer's transaction only splices in the id it assigns.
        var pending = call with { Id = 0, Version = 1 };
        var (doc, transcript) = Serialize(pending);
        var stored = await database.WriteAsync(
            (connection, transaction, token) => InsertAsync(connection, transaction, pending, doc, transcript, token), cancellationToken);
        _recent.Keep(stored);
        return stored;
    }

    private static async Task<CallLog> InsertAsync(
        SqliteWriterConnection connection, SqliteTransaction transaction, CallLog call, byte[] doc, byte[] transcript,
        CancellationToken cancellationToken)
    {
        if (await FindIdAsync(connection, transaction, call.ProjectId, call.CallId, cancellationToken) is { } existing)
        {
            throw new DuplicateCallException(existing, call.CallId);
        }
        // The id AUTOINCREMENT would give (the transaction holds the write lock, so nobody else takes it meanwhile):
        // knowing it first lets the document, which carries its id, be written once rather than inserted and updated.
        var nextId = connection.Prepared(NextIdSql, transaction);
        var stored = call with { Id = (long)(await nextId.ExecuteScalarAsync(cancellationToken))! };

        var insert = connection.Prepared(InsertSql, transaction);
        AddColumns(insert, stored);
        insert.Parameters.AddWithValue("$id", stored.Id);
        insert.Parameters.AddWithValue("$doc", WithId(doc, stored));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await WriteTranscriptAsync(connection, transaction, stored.Id, transcript, cancellationToken);
        return stored;
    }

    /// <summary>
    /// The call's transcript, unless the stored one is byte for byte the same: most stage writes (evaluation, the
    /// completion webhook, redaction with nothing to redact) leave it as it was, and then only the small document is
    /// rewritten. A transcript inside the document made every stage write rewrite it whole (most of a call's bytes),
    /// re-parse it for each expression index, and write those pages to the WAL and again at the checkpoint.
    /// </summary>
    private static async Task WriteTranscriptAsync(
        SqliteWriterConnection connection, SqliteTransaction transaction, long id, byte[] transcript, CancellationToken cancellationToken)
    {
        var command = connection.Prepared("""
            INSERT INTO call_transcripts (id, body) VALUES ($id, CAST($body AS TEXT))
            ON CONFLICT (id) DO UPDATE SET body = excluded.body WHERE body IS NOT excluded.body
            """, transaction);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$body", transcript);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static ReadOnlySpan<byte> ZeroIdPrefix => "{\"id\":0,"u8;

    /// <summary>The document serialized with id 0, given its id: <c>id</c> is the record's first property.</summary>
    private static byte[] WithId(byte[] doc, CallLog stored)
    {
        if (!doc.AsSpan().StartsWith(ZeroIdPrefix))
        {
            return Serialize(stored).Doc;
        }
        var id = Encoding.ASCII.GetBytes(stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return [.. "{\"id\":"u8, .. id, (byte)',', .. doc.AsSpan(ZeroIdPrefix.Length)];
    }

    /// <summary>
    /// Documents go to SQLite as UTF-8 bytes (bound as a blob, stored as TEXT by <c>CAST($doc AS TEXT)</c>) and come back
    /// as bytes: the serializer works in UTF-8, and a .NET string in between cost two transcodings and twice the memory
    /// on every write and every read of a whole call (a CPU profile under load showed it).
    /// </summary>
    private static (byte[] Doc, byte[] Transcript) Serialize(CallLog call) => (SerializeDocument(call), SerializeTranscript(call));

    private static byte[] SerializeDocument(CallLog call) =>
        JsonSerializer.SerializeToUtf8Bytes(call with { TranscriptObject = [], SealedTranscript = null }, CekuraJson.Options);

    private static byte[] SerializeTranscript(CallLog call) =>
        JsonSerializer.SerializeToUtf8Bytes(new StoredTranscript(call.TranscriptObject, call.SealedTranscript), CekuraJson.Options);

    /// <summary>A call's transcript as <c>call_transcripts.body</c> holds it: in the clear, or sealed.</summary>
    private sealed record StoredTranscript(IReadOnlyList<TranscriptEntry> TranscriptObject, string? SealedTranscript);

    /// <summary>
    /// The columns every read of whole calls selects, from <c>calls AS c</c>: the id and version, which tell whether the
    /// call kept in <see cref="_recent"/> is the stored one; the publish confirmation, which the outbox records in its
    /// column only; the document; and the transcript kept apart (a call written before <c>call_transcripts</c> existed
    /// has no row there and its transcript in the document).
    /// </summary>
    private const string CallColumns = $"c.id, c.version, c.outbox_published_at, c.doc, {TranscriptColumn}";

    private const string TranscriptColumn = "(SELECT t.body FROM call_transcripts AS t WHERE t.id = c.id)";

    /// <summary>
    /// <see cref="CallColumns"/> for a read of one call by id, with <c>$known</c> the version kept of it (or -1): at that
    /// version the document and transcript are not even read from the pages (NULL in their place).
    /// </summary>
    private const string CallColumnsUnlessKnown =
        "c.id, c.version, c.outbox_published_at, CASE WHEN c.version = $known THEN NULL ELSE c.doc END, "
        + $"CASE WHEN c.version = $known THEN NULL ELSE {TranscriptColumn} END";

    /// <summary>
    /// How many calls <see cref="_recent"/> keeps: more than the chain has in flight at a steady few hundred calls a
    /// second (each is read a few seconds after it was written), and a few megabytes of memory.
    /// </summary>
    private const int RecentCallCapacity = 256;

    /// <summary>The calls this store wrote or read one by one last, so that a read of the same version skips parsing.</summary>
    private readonly RecentCalls _recent = new(RecentCallCapacity);

    public async Task<CallLog?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        await QueryByIdAsync($"SELECT {CallColumnsUnlessKnown} FROM calls AS c WHERE c.id = $id AND c.project_id = $project",
            id, [new("$project", projectId)], cancellationToken);

    public async Task<CallLog?> FindByCallIdAsync(long projectId, string callId, CancellationToken cancellationToken) =>
        await QuerySingleAsync($"SELECT {CallColumns} FROM calls AS c WHERE c.project_id = $project AND c.call_id = $call_id",
            [new("$project", projectId), new("$call_id", callId)], cancellationToken);

    public async Task<CallLog?> GetForWorkerAsync(long id, CancellationToken cancellationToken) =>
        await QueryByIdAsync($"SELECT {CallColumnsUnlessKnown} FROM calls AS c WHERE c.id = $id", id, [], cancellationToken);

    public async Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken)
    {
        var next = updated with { Version = updated.Version + 1 };
        // Most stage writes leave the transcript (most of a call's bytes) as they read it. When it is the very object of
        // the version kept here, and that version is the one the write replaces (the compare-and-swap below checks),
        // the stored transcript is already this one: it is neither serialized nor compared with the stored bytes.
        var transcript = _recent.Find(updated.Id) is { } kept && kept.Version == updated.Version
            && ReferenceEquals(kept.TranscriptObject, updated.TranscriptObject)
            && string.Equals(kept.SealedTranscript, updated.SealedTranscript, StringComparison.Ordinal)
                ? null
                : SerializeTranscript(next);
        var doc = SerializeDocument(next);
        var columns = ColumnValues(next);
        var saved = await database.WriteAsync(async (connection, transaction, token) =>
        {
            // Only the columns whose value changes are SET: SQLite rewrites the entry of every index over a column in
            // the SET list (and of every partial index whose condition names one), even when the value is the same,
            // and each index's rewritten page is written to the WAL and again at the checkpoint. Setting every column
            // made a stage write dirty about fourteen pages; most stage writes change three or four columns.
            var changed = await ChangedColumnsAsync(connection, transaction, updated, columns, token);
            if (changed is not { } mask)
            {
                return null;
            }
            var command = connection.Prepared(_replaceSql.GetOrAdd(mask, ReplaceSql), transaction);
            for (var i = 0; i < columns.Length; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    command.Parameters.AddWithValue(Columns[i].Parameter, columns[i]);
                }
            }
            command.Parameters.AddWithValue("$next", next.Version);
            command.Parameters.AddWithValue("$doc", doc);
            command.Parameters.AddWithValue("$id", updated.Id);
            command.Parameters.AddWithValue("$project", updated.ProjectId);
            command.Parameters.AddWithValue("$expected", updated.Version);
            if (await command.ExecuteNonQueryAsync(token) != 1)
            {
                return null;
            }
            if (transcript is not null)
            {
                await WriteTranscriptAsync(connection, transaction, next.Id, transcript, token);
            }
            return next;
        }, cancellationToken);
        if (saved is not null)
        {
            // Committed: what the next stage reads is this version.
            _recent.Keep(saved);
        }
        return saved;
    }

    /// <summary>
    /// Which of <paramref name="columns"/> differ from the stored row (bit i for column i), or null when the call is
    /// gone or no longer at the version <paramref name="updated"/> was read at (the write would lose someone else's).
    /// </summary>
    private static async Task<int?> ChangedColumnsAsync(
        SqliteWriterConnection connection, SqliteTransaction transaction, CallLog updated, object[] columns,
        CancellationToken cancellationToken)
    {
        var select = connection.Prepared(StoredColumnsSql, transaction);
        select.Parameters.AddWithValue("$id", updated.Id);
        select.Parameters.AddWithValue("$project", updated.ProjectId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) != updated.Version)
        {
            return null;
        }
        var mask = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            if (!SameValue(reader.GetValue(i + 1), columns[i]))
            {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    /// <summary>
    /// Whether a column holds <paramref name="wanted"/> already. SQLite gives back INTEGER as long, REAL as double
    /// and TEXT as string, which is how <see cref="ColumnValues"/> states each value; anything else counts as a
    /// change, which costs page writes but is never wrong.
    /// </summary>
    private static bool SameValue(object stored, object wanted) => (stored, wanted) switch
    {
        (DBNull, DBNull) => true,
        (long a, long b) => a == b,
        (double a, double b) => a.Equals(b),
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        _ => false,
    };

    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        var deleted = await database.WriteAsync(async (connection, transaction, token) =>
        {
            var command = connection.Prepared("DELETE FROM calls WHERE id = $id AND project_id = $project", transaction);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$project", projectId);
            return await command.ExecuteNonQueryAsync(token) == 1;
        }, cancellationToken);
        if (deleted)
        {
            _recent.Forget(id);
        }
        return deleted;
    }

    /// <summary>
    /// Up to this many listed ids (<c>call_ids</c>) are fetched by primary key; and a metadata condition matching at
    /// most this many calls of the project gives the list its ids (read first, from <c>call_metadata</c>'s index):
    /// fetching a few rows by id beats walking the window. Above it, walking the window and checking each call against
    /// the matching set is cheaper (measured with the call-list benchmark).
    /// </summary>
    private const int FewRows = 1000;

    private readonly int _fewMetadataMatches = FewRows;

    /// <summary>For tests: another metadata threshold than <see cref="FewRows"/>, so both ways are exercised.</summary>
    internal SqliteCallStore(SqliteDatabase database, int fewMetadataMatches)
        : this(database) => _fewMetadataMatches = fewMetadataMatches;

    public async Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (SqliteCallFilter.SeekableMetadata(query.Filter) is { } metadata
            && await FewMetadataMatchesAsync(connection, query.ProjectId, metadata, _fewMetadataMatches, cancellationToken) is { } matching)
        {
            query = query with { Ids = query.Ids is null ? matching : query.Ids.Intersect(matching).ToList() };
        }
        if (query.Ids is { Count: 0 })
        {
            return new CallPage(0, []);
        }
        var (from, where, parameters) = ListCondition(query);

        await using var count = connection.CreateCommand();
        count.CommandText = CountSql(from, where);
        count.Parameters.AddRange(parameters.Select(Clone));
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        await using var page = connection.CreateCommand();
        page.CommandText = PageSql(from, where);
        page.Parameters.AddRange(parameters.Select(Clone));
        page.Parameters.AddWithValue("$limit", query.PageSize);
        page.Parameters.AddWithValue("$offset", (long)(query.Page - 1) * query.PageSize);
        return new CallPage(total, await ReadDocsAsync(page, cancellationToken));
    }

    /// <summary>The ids of the project's calls the metadata condition matches, or null when there are more than <paramref name="few"/>.</summary>
    private static async Task<IReadOnlyList<long>?> FewMetadataMatchesAsync(
        SqliteConnection connection, long projectId, FilterCondition metadata, int few, CancellationToken cancellationToken)
    {
        var parameters = new List<SqliteParameter> { new("$project", projectId), new("$limit", few + 1) };
        var sql = new StringBuilder("SELECT DISTINCT call_rowid FROM call_metadata WHERE ");
        SqliteCallFilter.AppendMetadataMatch(sql, parameters, metadata);
        await using var command = connection.CreateCommand();
        command.CommandText = sql.Append(" LIMIT $limit").ToString();
        command.Parameters.AddRange(parameters);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids.Count <= few ? ids : null;
    }

    /// <summary>
    /// The list's table, WHERE clause and parameters. The rows come from <c>call_ids</c> by primary key when given,
    /// else through the driving index (see <see cref="SqliteCallFilter"/>). The agent is one more field condition,
    /// so it is answered from its index like the others.
    /// </summary>
    internal static (string From, string Where, List<SqliteParameter> Parameters) ListCondition(CallQuery query)
    {
        var where = new StringBuilder("project_id = $project AND ts >= $from AND ts <= $to");
        var parameters = new List<SqliteParameter>
        {
            new("$project", query.ProjectId),
            new("$from", query.From.ToUnixTimeMilliseconds()),
            new("$to", query.To.ToUnixTimeMilliseconds()),
        };
        if (!string.IsNullOrEmpty(query.Search))
        {
            // Over the (project_id, call_id) index alone. LIKE folds ASCII case, as SQLite's lower() does; '%', '_'
            // and the escape character are escaped so they stay literal.
            where.Append(" AND id IN (SELECT id FROM calls WHERE project_id = $project AND call_id LIKE $search ESCAPE '\\')");
            parameters.Add(new("$search", "%" + query.Search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%"));
        }
        if (query.Ids is { Count: > 0 } ids)
        {
            // One parameter holding the ids as a JSON array: SQLite finds a named parameter by a linear search of
            // those seen so far, so a statement with a parameter per id cost time quadratic in the ids to compile
            // and bind (a dashboard polling 500 pending ids at once made that a visible share of the host's CPU).
            where.Append(" AND id IN (SELECT value FROM json_each($ids))");
            parameters.Add(new("$ids", "[" + string.Join(",", ids) + "]"));
        }
        var byIds = query.Ids is { Count: > 0 and <= FewRows };
        CallFilter? filter = query.AgentId is { } agentId
            ? new FilterCondition(FilterField.AgentId, null, FilterOp.Eq, [new FilterValue.Integer(agentId)])
            : null;
        if (query.Filter is { } requested)
        {
            filter = filter is null ? requested : new FilterGroup(FilterJoin.And, [filter, requested]);
        }
        // NOT INDEXED leaves SQLite only the primary key, so the listed ids are fetched, not searched for.
        var from = byIds ? "calls NOT INDEXED" : "calls";
        if (filter is not null)
        {
            var translation = new SqliteCallFilter(parameters, filter, fewRows: byIds);
            if (translation.DriverIndex is { } index)
            {
                from = $"calls INDEXED BY {index}";
            }
            where.Append(" AND ");
            translation.Append(where, filter);
        }
        return (from, where.ToString(), parameters);
    }

    internal static string CountSql(string from, string where) => $"SELECT count(*) FROM {from} WHERE {where}";

    /// <summary>
    /// The page's ids first, from the indexes alone; only then the (large) documents of those ids. Sorting or
    /// skipping full rows would read every candidate's document.
    /// </summary>
    internal static string PageSql(string from, string where) => $"""
        SELECT {CallColumns} FROM calls AS c WHERE c.id IN (
            SELECT id FROM {from} WHERE {where} ORDER BY ts DESC, id DESC LIMIT $limit OFFSET $offset)
        ORDER BY c.ts DESC, c.id DESC
        """;

    public async Task<IReadOnlyList<CallLog>> ListDueRedeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The "IS NOT NULL" term selects the partial index calls_redeliver_at: only calls with a pending redelivery.
        command.CommandText = $"""
            SELECT {CallColumns} FROM calls AS c
            WHERE c.redeliver_at IS NOT NULL
              AND c.stage NOT IN ('evaluated', 'failed')
              AND julianday(c.redeliver_at) <= julianday($now)
            ORDER BY c.redeliver_at LIMIT $limit
            """;
        command.Parameters.AddWithValue("$now", now.ToUniversalTime().ToString("O"));
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadDocsAsync(command, cancellationToken);
    }

    /// <summary>The condition of the partial index <c>calls_waiting</c>: calls at a stage that is not the last.</summary>
    internal static readonly string WaitingCondition =
        $"stage IN ({string.Join(", ", Enum.GetValues<CallStage>().Where(s => !CallStageEvents.IsTerminal(s)).Select(s => $"'{StageName(s)}'"))})";

    /// <summary>The condition of the partial index <c>calls_owed</c>: calls whose stage's event is not confirmed yet.</summary>
    internal static readonly string OwedCondition = $"outbox_published_at IS NULL AND stage <> '{StageName(CallStage.Failed)}'";

    /// <summary>Both counts walk a partial index that holds only the calls counted (the WHERE terms repeat the index's own).</summary>
    internal static readonly string WaitingSql = $"SELECT stage, count(*) FROM calls WHERE {WaitingCondition} GROUP BY stage";

    internal static readonly string OwedSql = $"SELECT count(*) FROM calls WHERE {OwedCondition}";

    public async Task<CallBacklog> CountBacklogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var waiting = connection.CreateCommand();
        waiting.CommandText = WaitingSql;
        var counts = new Dictionary<CallStage, long>();
        await using (var reader = await waiting.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // A stage a newer version wrote, which this one does not know, is left out rather than failing the read.
                if (Enum.TryParse<CallStage>(reader.GetString(0), ignoreCase: true, out var stage))
                {
                    counts[stage] = reader.GetInt64(1);
                }
            }
        }
        await using var owed = connection.CreateCommand();
        owed.CommandText = OwedSql;
        return new CallBacklog(counts, (long)(await owed.ExecuteScalarAsync(cancellationToken))!);
    }

    public async Task<IReadOnlyList<CallLog>> ListByTraceIdAsync(long projectId, string traceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // trace_id is the column of the calls_project_trace_id index.
        command.CommandText = $"SELECT {CallColumns} FROM calls AS c WHERE c.project_id = $project AND c.trace_id = $trace ORDER BY c.id LIMIT $limit";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$trace", traceId);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadDocsAsync(command, cancellationToken);
    }

    private async Task<CallLog?> QuerySingleAsync(string sql, SqliteParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadCall(reader, keep: true) : null;
    }

    /// <summary>One call by <paramref name="id"/>, with <see cref="CallColumnsUnlessKnown"/> given the version kept of it.</summary>
    private async Task<CallLog?> QueryByIdAsync(string sql, long id, SqliteParameter[] parameters, CancellationToken cancellationToken)
    {
        var known = _recent.Find(id);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$known", known?.Version ?? -1);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadCall(reader, keep: true, known) : null;
    }

    private static async Task<long?> FindIdAsync(
        SqliteWriterConnection connection, SqliteTransaction transaction, long projectId, string callId, CancellationToken cancellationToken)
    {
        var command = connection.Prepared("SELECT id FROM calls WHERE project_id = $project AND call_id = $call_id", transaction);
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$call_id", callId);
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    /// <summary>
    /// The columns a write of the document writes with it, and the parameter of each: the ones the outbox, the list's
    /// time order and the stages' look-ups read, then those the filters, look-ups and metadata triggers read (see
    /// <c>SqliteDatabase.IndexedColumns</c>), each holding what <c>json_extract</c> of the document gives for it, so
    /// SQLite never parses the JSON to maintain an index. <see cref="ColumnValues"/> gives their values in this order.
    /// At most 31 (a bit each in an int).
    /// </summary>
    private static readonly (string Column, string Parameter)[] Columns =
    [
        ("agent_id", "$agent"), ("ts", "$ts"), ("stage", "$stage"), ("stage_changed_at", "$changed"),
        ("outbox_published_at", "$published"), ("success", "$success"), ("status", "$status"),
        ("duration_seconds", "$duration_seconds"), ("customer_number", "$customer_number"),
        ("call_ended_reason", "$call_ended_reason"), ("topic", "$topic"), ("dropoff_point", "$dropoff_point"),
        ("is_reviewed", "$is_reviewed"), ("trace_id", "$trace_id"), ("recording_key", "$recording_key"),
        ("redeliver_at", "$redeliver_at"), ("metadata", "$metadata"),
    ];

    /// <summary>
    /// The values of <see cref="Columns"/> for <paramref name="call"/>, stated as SQLite gives them back (long, double,
    /// string or DBNull), so <see cref="SameValue"/> can tell an unchanged column.
    /// </summary>
    private static object[] ColumnValues(CallLog call) =>
    [
        call.AgentId,
        call.Timestamp.ToUnixTimeMilliseconds(),
        StageName(call.Stage),
        call.StageChangedAt.ToUnixTimeMilliseconds(),
        (object?)call.OutboxPublishedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value,
        call.Success is { } success ? (success ? 1L : 0L) : DBNull.Value,
        (object?)call.Status ?? DBNull.Value,
        (object?)call.DurationSeconds ?? DBNull.Value,
        (object?)call.CustomerNumber ?? DBNull.Value,
        (object?)call.CallEndedReason ?? DBNull.Value,
        (object?)call.Topic ?? DBNull.Value,
        (object?)call.DropoffPoint ?? DBNull.Value,
        call.IsReviewed ? 1L : 0L,
        (object?)call.TraceId ?? DBNull.Value,
        (object?)call.Recording?.BlobKey ?? DBNull.Value,
        // As the document holds it (json_extract gives that text), so ordering and julianday() read it the same way.
        call.RedeliverAt is { } redeliverAt
            ? JsonSerializer.SerializeToElement(redeliverAt, CekuraJson.Options).GetString()!
            : DBNull.Value,
        // Written as the document writes it (not the client's raw text), so an unchanged object is the same text: it
        // is then left out of the UPDATE, and the metadata trigger, which compares old and new text, leaves its rows alone.
        call.Metadata is { ValueKind: JsonValueKind.Object } metadata
            ? JsonSerializer.Serialize(metadata, CekuraJson.Options)
            : DBNull.Value,
    ];

    private const string NextIdSql = """
        SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'calls'), 0), coalesce((SELECT max(id) FROM calls), 0)) + 1
        """;

    private static readonly string InsertSql = $"""
        INSERT INTO calls (id, project_id, call_id, version, doc, {string.Join(", ", Columns.Select(c => c.Column))})
        VALUES ($id, $project, $call_id, 1, CAST($doc AS TEXT), {string.Join(", ", Columns.Select(c => c.Parameter))})
        """;

    private static readonly string StoredColumnsSql =
        $"SELECT version, {string.Join(", ", Columns.Select(c => c.Column))} FROM calls WHERE id = $id AND project_id = $project";

    /// <summary>The UPDATE of the document and of the columns in <paramref name="changed"/> (bit i: column i).</summary>
    private static string ReplaceSql(int changed)
    {
        var sets = Enumerable.Range(0, Columns.Length)
            .Where(i => (changed & (1 << i)) != 0)
            .Select(i => $", {Columns[i].Column} = {Columns[i].Parameter}");
        return $"""
            UPDATE calls SET version = $next, doc = CAST($doc AS TEXT){string.Concat(sets)}
            WHERE id = $id AND project_id = $project AND version = $expected
            """;
    }

    /// <summary>Each change set's UPDATE text, built once (a handful of sets occur: each stage changes its own columns).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _replaceSql = new();

    private static void AddColumns(SqliteCommand command, CallLog call)
    {
        command.Parameters.AddWithValue("$project", call.ProjectId);
        command.Parameters.AddWithValue("$call_id", call.CallId);
        var values = ColumnValues(call);
        for (var i = 0; i < Columns.Length; i++)
        {
            command.Parameters.AddWithValue(Columns[i].Parameter, values[i]);
        }
    }

    internal static string StageName(CallStage stage) => stage.ToString().ToLowerInvariant();

    private static SqliteParameter Clone(SqliteParameter p) => new(p.ParameterName, p.Value);

    private async Task<IReadOnlyList<CallLog>> ReadDocsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var calls = new List<CallLog>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Not kept: a page of a list would push out the calls the chain is about to read.
            calls.Add(ReadCall(reader, keep: false));
        }
        return calls;
    }

    /// <summary>
    /// The call in the reader's row (<see cref="CallColumns"/> or <see cref="CallColumnsUnlessKnown"/>): the kept one
    /// when the row has its version (<paramref name="known"/>, looked up before the query, or the one kept now), else
    /// the document parsed (and kept when <paramref name="keep"/>).
    /// </summary>
    private CallLog ReadCall(SqliteDataReader reader, bool keep, CallLog? known = null)
    {
        var id = reader.GetInt64(0);
        var version = reader.GetInt64(1);
        // The column decides; the document's own value (written with it by a whole-call write) keeps its precision.
        DateTimeOffset? published = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
        var call = known is not null && known.Id == id && known.Version == version ? known
            : _recent.Find(id) is { } kept && kept.Version == version ? kept
            : null;
        if (call is null)
        {
            call = Deserialize(reader);
            // Not a call written before call_transcripts existed (its transcript is in the document): a write that
            // keeps the kept transcript leaves the transcript's row as it is, and such a call has none.
            if (keep && !reader.IsDBNull(4))
            {
                _recent.Keep(call);
            }
        }
        return published?.ToUnixTimeMilliseconds() == call.OutboxPublishedAt?.ToUnixTimeMilliseconds()
            ? call
            : call with { OutboxPublishedAt = published };
    }

    /// <summary>The document and transcript of the reader's row (<see cref="CallColumns"/>), each TEXT read as the UTF-8 bytes SQLite holds.</summary>
    private static CallLog Deserialize(SqliteDataReader reader)
    {
        var call = JsonSerializer.Deserialize<CallLog>(reader.GetFieldValue<byte[]>(3), CekuraJson.Options)!;
        if (!reader.IsDBNull(4))
        {
            var transcript = JsonSerializer.Deserialize<StoredTranscript>(reader.GetFieldValue<byte[]>(4), CekuraJson.Options)!;
            call = call with { TranscriptObject = transcript.TranscriptObject, SealedTranscript = transcript.SealedTranscript };
        }
        return call;
    }
}
