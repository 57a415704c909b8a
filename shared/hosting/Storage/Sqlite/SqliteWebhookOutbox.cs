using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// The webhook outbox as the <c>webhook_deliveries</c> table of the shared SQLite file; times are Unix milliseconds.
/// Claiming is one <c>UPDATE … RETURNING</c> inside <c>BEGIN IMMEDIATE</c>, so two processes sharing the file
/// serialise on the write lock and never lease the same row. Enqueueing, claiming and recording an attempt are
/// committed in groups with the call store's writes (<see cref="SqliteDatabase.WriteAsync{T}"/>).
/// </summary>
public sealed class SqliteWebhookOutbox(SqliteDatabase database) : IWebhookOutbox
{
    private const string Columns = """
        id, delivery_key, project_id, call_log_id, url, secret, body, status, attempts, next_attempt_at,
        last_error, last_status_code, created_at, delivered_at, abandoned_at, lease_id, leased_until
        """;

    private const string Pending = "pending";

    public Task<WebhookEnqueued> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        WebhookOutboxRules.CheckNew(delivery);
        return database.WriteAsync((connection, transaction, token) => EnqueueAsync(connection, transaction, delivery, token), cancellationToken);
    }

    private static async Task<WebhookEnqueued> EnqueueAsync(
        SqliteConnection connection, SqliteTransaction transaction, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        await using (var find = Command(connection, transaction, $"SELECT {Columns} FROM webhook_deliveries WHERE delivery_key = $key"))
        {
            find.Parameters.AddWithValue("$key", delivery.DeliveryKey);
            if (await ReadOneAsync(find, cancellationToken) is { } existing)
            {
                return new WebhookEnqueued(existing, Created: false);
            }
        }

        await using var insert = Command(connection, transaction, $"""
            INSERT INTO webhook_deliveries (delivery_key, project_id, call_log_id, url, secret, body, status, attempts,
                                            next_attempt_at, created_at)
            VALUES ($key, $project, $call, $url, $secret, $body, '{Pending}', 0, $next, $created)
            RETURNING {Columns}
            """);
        insert.Parameters.AddWithValue("$key", delivery.DeliveryKey);
        insert.Parameters.AddWithValue("$project", delivery.ProjectId);
        insert.Parameters.AddWithValue("$call", delivery.CallLogId);
        insert.Parameters.AddWithValue("$url", delivery.Url);
        insert.Parameters.AddWithValue("$secret", (object?)delivery.Secret ?? DBNull.Value);
        insert.Parameters.AddWithValue("$body", delivery.Body);
        insert.Parameters.AddWithValue("$next", delivery.NextAttemptAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$created", delivery.CreatedAt.ToUnixTimeMilliseconds());
        return new WebhookEnqueued((await ReadOneAsync(insert, cancellationToken))!, Created: true);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(
        DateTimeOffset now, int max, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var lease = Guid.NewGuid().ToString("N");
        var claimed = await database.WriteAsync(async (connection, transaction, token) =>
        {
            await using var claim = Command(connection, transaction, $"""
                UPDATE webhook_deliveries
                SET lease_id = $lease, leased_until = $until, attempts = attempts + 1
                WHERE id IN (SELECT id FROM webhook_deliveries
                             WHERE status = '{Pending}' AND next_attempt_at <= $now AND (leased_until IS NULL OR leased_until <= $now)
                             ORDER BY next_attempt_at, id LIMIT $max)
                RETURNING {Columns}
                """);
            claim.Parameters.AddWithValue("$lease", lease);
            claim.Parameters.AddWithValue("$until", (now + leaseDuration).ToUnixTimeMilliseconds());
            claim.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            claim.Parameters.AddWithValue("$max", max);
            return await ReadAllAsync(claim, token);
        }, cancellationToken);
        // RETURNING gives rows in no promised order.
        return claimed.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).ToList();
    }

    public Task<bool> MarkDeliveredAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken) =>
        FinishAttemptAsync(id, leaseId, outcome, "status = 'delivered', delivered_at = $at", null, cancellationToken);

    public Task<bool> MarkFailedAsync(
        long id, string leaseId, WebhookAttemptOutcome outcome, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        FinishAttemptAsync(id, leaseId, outcome, "next_attempt_at = $next", nextAttemptAt, cancellationToken);

    public Task<bool> MarkAbandonedAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken) =>
        FinishAttemptAsync(id, leaseId, outcome, "status = 'abandoned', abandoned_at = $at", null, cancellationToken);

    private Task<bool> FinishAttemptAsync(long id, string leaseId, WebhookAttemptOutcome outcome, string change,
        DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, token) =>
        {
            await using var command = Command(connection, transaction, $"""
                UPDATE webhook_deliveries
                SET {change}, last_error = $error, last_status_code = $code, lease_id = NULL, leased_until = NULL
                WHERE id = $id AND lease_id = $lease AND status = '{Pending}'
                """);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$lease", leaseId);
            command.Parameters.AddWithValue("$at", outcome.At.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$next", (object?)nextAttemptAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            command.Parameters.AddWithValue("$error", (object?)outcome.Error ?? DBNull.Value);
            command.Parameters.AddWithValue("$code", (object?)outcome.StatusCode ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(token) == 1;
        }, cancellationToken);

    public async Task<WebhookDelivery?> GetAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {Columns} FROM webhook_deliveries WHERE id = $id AND project_id = $project");
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$project", projectId);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<WebhookDelivery?> GetByKeyAsync(long projectId, string deliveryKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT {Columns} FROM webhook_deliveries WHERE delivery_key = $key AND project_id = $project");
        command.Parameters.AddWithValue("$key", deliveryKey);
        command.Parameters.AddWithValue("$project", projectId);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(long projectId, long? callLogId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            SELECT {Columns} FROM webhook_deliveries
            WHERE project_id = $project AND ($call IS NULL OR call_log_id = $call)
            ORDER BY id DESC LIMIT $limit
            """);
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$call", (object?)callLogId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            DELETE FROM webhook_deliveries
            WHERE status <> '{Pending}' AND coalesce(delivered_at, abandoned_at) < $cutoff
            """);
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteForCallLogsAsync(long projectId, IReadOnlyCollection<long> callLogIds, CancellationToken cancellationToken)
    {
        if (callLogIds.Count == 0)
        {
            return 0;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "DELETE FROM webhook_deliveries WHERE project_id = $project AND call_log_id IN (SELECT value FROM json_each($calls))");
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$calls", $"[{string.Join(',', callLogIds)}]");
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task<WebhookDelivery?> ReadOneAsync(SqliteCommand command, CancellationToken cancellationToken) =>
        (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();

    private static async Task<List<WebhookDelivery>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<WebhookDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new WebhookDelivery
            {
                Id = reader.GetInt64(0),
                DeliveryKey = reader.GetString(1),
                ProjectId = reader.GetInt64(2),
                CallLogId = reader.GetInt64(3),
                Url = reader.GetString(4),
                Secret = reader.IsDBNull(5) ? null : reader.GetString(5),
                Body = reader.GetString(6),
                Status = WebhookOutboxRules.ParseStatus(reader.GetString(7)),
                Attempts = reader.GetInt32(8),
                NextAttemptAt = Time(reader.GetInt64(9)),
                LastError = reader.IsDBNull(10) ? null : reader.GetString(10),
                LastStatusCode = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                CreatedAt = Time(reader.GetInt64(12)),
                DeliveredAt = reader.IsDBNull(13) ? null : Time(reader.GetInt64(13)),
                AbandonedAt = reader.IsDBNull(14) ? null : Time(reader.GetInt64(14)),
                LeaseId = reader.IsDBNull(15) ? null : reader.GetString(15),
                LeasedUntil = reader.IsDBNull(16) ? null : Time(reader.GetInt64(16)),
            });
        }
        return rows;
    }

    private static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
}
