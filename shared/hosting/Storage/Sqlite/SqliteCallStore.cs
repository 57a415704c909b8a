using System.Text;
using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Calls;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>Calls as JSON documents, with the columns that queries filter on kept beside them.</summary>
public sealed partial class SqliteCallStore(SqliteDatabase database) : ICallStore
{
    private const int SqliteConstraintUnique = 2067;

    public async Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var existing = await FindIdAsync(connection, transaction, call.ProjectId, call.CallId, cancellationToken);
        if (existing is { } existingId)
        {
            throw new DuplicateCallException(existingId, call.CallId);
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO calls (project_id, call_id, agent_id, ts, stage, stage_changed_at, outbox_published_at, version, doc)
            VALUES ($project, $call_id, $agent, $ts, $stage, $changed, $published, 1, '{}') RETURNING id
            """;
        AddIndexedColumns(insert, call);
        long id;
        try
        {
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            throw new DuplicateCallException(
                await FindIdAsync(connection, transaction, call.ProjectId, call.CallId, cancellationToken) ?? 0, call.CallId);
        }

        var stored = call with { Id = id, Version = 1 };
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE calls SET doc = $doc WHERE id = $id";
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(stored, CekuraJson.Options));
        update.Parameters.AddWithValue("$id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<CallLog?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        await QuerySingleAsync("SELECT doc FROM calls WHERE id = $id AND project_id = $project",
            [new("$id", id), new("$project", projectId)], cancellationToken);

    public async Task<CallLog?> FindByCallIdAsync(long projectId, string callId, CancellationToken cancellationToken) =>
        await QuerySingleAsync("SELECT doc FROM calls WHERE project_id = $project AND call_id = $call_id",
            [new("$project", projectId), new("$call_id", callId)], cancellationToken);

    public async Task<CallLog?> GetForWorkerAsync(long id, CancellationToken cancellationToken) =>
        await QuerySingleAsync("SELECT doc FROM calls WHERE id = $id", [new("$id", id)], cancellationToken);

    public async Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken)
    {
        var next = updated with { Version = updated.Version + 1 };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE calls SET agent_id = $agent, ts = $ts, stage = $stage, stage_changed_at = $changed,
                outbox_published_at = $published, version = $next, doc = $doc
            WHERE id = $id AND project_id = $project AND version = $expected
            """;
        AddIndexedColumns(command, next);
        command.Parameters.AddWithValue("$next", next.Version);
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(next, CekuraJson.Options));
        command.Parameters.AddWithValue("$id", updated.Id);
        command.Parameters.AddWithValue("$expected", updated.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? next : null;
    }

    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM calls WHERE id = $id AND project_id = $project";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$project", projectId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
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
            var names = ids.Select((_, i) => $"$id{i}").ToList();
            where.Append($" AND id IN ({string.Join(",", names)})");
            parameters.AddRange(ids.Select((id, i) => new SqliteParameter(names[i], id)));
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
        SELECT doc FROM calls WHERE id IN (
            SELECT id FROM {from} WHERE {where} ORDER BY ts DESC, id DESC LIMIT $limit OFFSET $offset)
        ORDER BY ts DESC, id DESC
        """;

    private async Task<CallLog?> QuerySingleAsync(string sql, SqliteParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync(cancellationToken) is string doc ? Deserialize(doc) : null;
    }

    private static async Task<long?> FindIdAsync(
        SqliteConnection connection, SqliteTransaction transaction, long projectId, string callId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM calls WHERE project_id = $project AND call_id = $call_id";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$call_id", callId);
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    private static void AddIndexedColumns(SqliteCommand command, CallLog call)
    {
        command.Parameters.AddWithValue("$project", call.ProjectId);
        command.Parameters.AddWithValue("$call_id", call.CallId);
        command.Parameters.AddWithValue("$agent", call.AgentId);
        command.Parameters.AddWithValue("$ts", call.Timestamp.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$stage", StageName(call.Stage));
        command.Parameters.AddWithValue("$changed", call.StageChangedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$published", (object?)call.OutboxPublishedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
    }

    internal static string StageName(CallStage stage) => stage.ToString().ToLowerInvariant();

    private static SqliteParameter Clone(SqliteParameter p) => new(p.ParameterName, p.Value);

    private static async Task<IReadOnlyList<CallLog>> ReadDocsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var calls = new List<CallLog>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            calls.Add(Deserialize(reader.GetString(0)));
        }
        return calls;
    }

    private static CallLog Deserialize(string doc) => JsonSerializer.Deserialize<CallLog>(doc, CekuraJson.Options)!;
}
