using Cekura.Contracts.Traces;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage.Traces;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// Spans as rows of <c>agent_spans</c>, keyed by (project, trace id, span id), so a trace is one range of the
/// primary key; attributes as typed JSON (<see cref="AgentSpanAttributesJson"/>). Each span row keeps how many of
/// its attributes the caps dropped, so replacing a span on re-export replaces that count too; the spans dropped for a
/// full trace are counted in <c>agent_traces</c>.
/// </summary>
public sealed class SqliteAgentTraceStore(SqliteDatabase database, AgentTraceLimits limits) : IAgentTraceStore
{
    private const long NanosecondsPerTick = 100;

    public async Task<long> AppendAsync(long projectId, IReadOnlyList<AgentSpan> spans, CancellationToken cancellationToken)
    {
        if (spans.Count == 0)
        {
            return 0;
        }
        var received = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Through the group commit, like the call path: concurrent exports share a transaction and its fsync.
        return await database.WriteAsync((connection, transaction, token) => AppendAsync(connection, transaction, projectId, spans, received, token),
            cancellationToken);
    }

    private async Task<long> AppendAsync(
        SqliteConnection connection, SqliteTransaction transaction, long projectId, IReadOnlyList<AgentSpan> spans, long received,
        CancellationToken cancellationToken)
    {
        long totalDropped = 0;
        foreach (var trace in spans.GroupBy(s => s.TraceId, StringComparer.Ordinal))
        {
            var stored = await CountAsync(connection, transaction, projectId, trace.Key, cancellationToken);
            long droppedSpans = 0;
            foreach (var original in trace)
            {
                var (span, droppedAttributes) = AgentSpanCaps.Apply(original, limits);
                if (await WriteAsync(connection, transaction, Update, projectId, span, droppedAttributes, received, cancellationToken))
                {
                    continue;
                }
                if (stored >= limits.MaxSpansPerTrace)
                {
                    droppedSpans++;
                    continue;
                }
                await WriteAsync(connection, transaction, Insert, projectId, span, droppedAttributes, received, cancellationToken);
                stored++;
            }
            await using var touch = connection.CreateCommand();
            touch.Transaction = transaction;
            touch.CommandText = """
                INSERT INTO agent_traces (project_id, trace_id, dropped_spans, updated_at, owed) VALUES ($project, $trace, $dropped, $now, 1)
                ON CONFLICT (project_id, trace_id) DO UPDATE SET dropped_spans = dropped_spans + $dropped, updated_at = $now, owed = 1
                """;
            touch.Parameters.AddWithValue("$project", projectId);
            touch.Parameters.AddWithValue("$trace", trace.Key);
            touch.Parameters.AddWithValue("$dropped", droppedSpans);
            touch.Parameters.AddWithValue("$now", received);
            await touch.ExecuteNonQueryAsync(cancellationToken);
            totalDropped += droppedSpans;
        }
        return totalDropped;
    }

    private const string Update = """
        UPDATE agent_spans SET parent_span_id = $parent, name = $name, service = $service, start_ns = $start, end_ns = $end,
            status_code = $status, status_message = $message, attributes = $attributes, dropped_attributes = $dropped,
            received_at = $received
        WHERE project_id = $project AND trace_id = $trace AND span_id = $span
        """;

    private const string Insert = """
        INSERT INTO agent_spans (project_id, trace_id, span_id, parent_span_id, name, service, start_ns, end_ns,
            status_code, status_message, attributes, dropped_attributes, received_at)
        VALUES ($project, $trace, $span, $parent, $name, $service, $start, $end, $status, $message, $attributes, $dropped, $received)
        """;

    private static async Task<bool> WriteAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, long projectId, AgentSpan span, int droppedAttributes,
        long received, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$trace", span.TraceId);
        command.Parameters.AddWithValue("$span", span.SpanId);
        command.Parameters.AddWithValue("$parent", (object?)span.ParentSpanId ?? DBNull.Value);
        command.Parameters.AddWithValue("$name", span.Name);
        command.Parameters.AddWithValue("$service", (object?)span.Service ?? DBNull.Value);
        command.Parameters.AddWithValue("$start", ToNanoseconds(span.Start));
        command.Parameters.AddWithValue("$end", ToNanoseconds(span.End));
        command.Parameters.AddWithValue("$status", span.StatusCode);
        command.Parameters.AddWithValue("$message", (object?)span.StatusMessage ?? DBNull.Value);
        command.Parameters.AddWithValue("$attributes", AgentSpanAttributesJson.Write(span.Attributes));
        command.Parameters.AddWithValue("$dropped", droppedAttributes);
        command.Parameters.AddWithValue("$received", received);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<long> CountAsync(
        SqliteConnection connection, SqliteTransaction transaction, long projectId, string traceId, CancellationToken cancellationToken)
    {
        await using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT count(*) FROM agent_spans WHERE project_id = $project AND trace_id = $trace";
        count.Parameters.AddWithValue("$project", projectId);
        count.Parameters.AddWithValue("$trace", traceId);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<AgentTrace?> GetAsync(long projectId, string traceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT span_id, parent_span_id, name, service, start_ns, end_ns, status_code, status_message, attributes, dropped_attributes
            FROM agent_spans WHERE project_id = $project AND trace_id = $trace ORDER BY start_ns, span_id
            """;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$trace", traceId);
        var spans = new List<AgentSpan>();
        long droppedAttributes = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                spans.Add(new AgentSpan(
                    traceId,
                    reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    FromNanoseconds(reader.GetInt64(4)),
                    FromNanoseconds(reader.GetInt64(5)),
                    AgentSpanAttributesJson.Read(reader.GetString(8)),
                    reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
                droppedAttributes += reader.GetInt64(9);
            }
        }
        if (spans.Count == 0)
        {
            return null;
        }
        await using var drops = connection.CreateCommand();
        drops.CommandText = "SELECT dropped_spans FROM agent_traces WHERE project_id = $project AND trace_id = $trace";
        drops.Parameters.AddWithValue("$project", projectId);
        drops.Parameters.AddWithValue("$trace", traceId);
        var droppedSpans = await drops.ExecuteScalarAsync(cancellationToken) is long d ? d : 0;
        return new AgentTrace(traceId, spans, droppedSpans, droppedAttributes);
    }

    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = SqliteDatabase.BeginWrite(connection);
        await using var spans = connection.CreateCommand();
        spans.Transaction = transaction;
        spans.CommandText = "DELETE FROM agent_spans WHERE received_at < $cutoff";
        spans.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        var deleted = await spans.ExecuteNonQueryAsync(cancellationToken);
        // A trace's drop count goes with its last span: none of it was written after the cutoff either.
        await using var traces = connection.CreateCommand();
        traces.Transaction = transaction;
        traces.CommandText = "DELETE FROM agent_traces WHERE updated_at < $cutoff";
        traces.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        await traces.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>
    /// The owed traces quiet since <c>$quiet_since</c> and not under a claim: one range of the partial index
    /// <c>agent_traces_owed</c>, which holds only owed traces, however many settled ones the file keeps.
    /// </summary>
    internal const string QuietSql = """
        SELECT project_id, trace_id, updated_at FROM agent_traces INDEXED BY agent_traces_owed
        WHERE owed = 1 AND updated_at <= $quiet_since AND (claimed_until IS NULL OR claimed_until <= $now)
        ORDER BY updated_at LIMIT $max
        """;

    public async Task<IReadOnlyList<QuietTrace>> ClaimQuietAsync(
        DateTimeOffset quietSince, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        // A read first: the sweep runs every second on every replica, and most of the time nothing is due, so it
        // should not take the write lock (or an fsync) to learn that.
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var peek = connection.CreateCommand();
            peek.CommandText = QuietSql;
            AddQuietParameters(peek, quietSince, now, 1);
            if (await peek.ExecuteScalarAsync(cancellationToken) is null)
            {
                return [];
            }
        }
        return await database.WriteAsync(async (connection, transaction, token) =>
        {
            // Selected again under the write lock, so two replicas never claim the same trace.
            var due = new List<QuietTrace>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = QuietSql;
                AddQuietParameters(select, quietSince, now, max);
                await using var reader = await select.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    due.Add(new QuietTrace(reader.GetInt64(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
                }
            }
            foreach (var trace in due)
            {
                await using var claim = connection.CreateCommand();
                claim.Transaction = transaction;
                claim.CommandText = "UPDATE agent_traces SET claimed_until = $until WHERE project_id = $project AND trace_id = $trace";
                claim.Parameters.AddWithValue("$until", (now + lease).ToUnixTimeMilliseconds());
                claim.Parameters.AddWithValue("$project", trace.ProjectId);
                claim.Parameters.AddWithValue("$trace", trace.TraceId);
                await claim.ExecuteNonQueryAsync(token);
            }
            return (IReadOnlyList<QuietTrace>)due;
        }, cancellationToken);
    }

    internal static void AddQuietParameters(SqliteCommand command, DateTimeOffset quietSince, DateTimeOffset now, int max)
    {
        command.Parameters.AddWithValue("$quiet_since", quietSince.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$max", max);
    }

    public Task SettleAsync(IReadOnlyList<QuietTrace> traces, CancellationToken cancellationToken) =>
        traces.Count == 0
            ? Task.CompletedTask
            : database.WriteAsync(async (connection, transaction, token) =>
            {
                foreach (var trace in traces)
                {
                    await using var settle = connection.CreateCommand();
                    settle.Transaction = transaction;
                    // Spans stored since the claim moved updated_at on: the trace stays owed for them.
                    settle.CommandText = """
                        UPDATE agent_traces SET owed = CASE WHEN updated_at = $seen THEN NULL ELSE owed END, claimed_until = NULL
                        WHERE project_id = $project AND trace_id = $trace
                        """;
                    settle.Parameters.AddWithValue("$seen", trace.LastSpanAt.ToUnixTimeMilliseconds());
                    settle.Parameters.AddWithValue("$project", trace.ProjectId);
                    settle.Parameters.AddWithValue("$trace", trace.TraceId);
                    await settle.ExecuteNonQueryAsync(token);
                }
                return traces.Count;
            }, cancellationToken);

    private static long ToNanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * NanosecondsPerTick;

    private static DateTimeOffset FromNanoseconds(long nanoseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + nanoseconds / NanosecondsPerTick, TimeSpan.Zero);
}
