using Cekura.Contracts;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// The outbox side of the calls table: the <c>relay_*</c> columns and the <c>calls_relay</c> index (see the
/// <c>OutboxClaims</c> migration of <see cref="SqliteDatabase"/>). Each method is one <c>BEGIN IMMEDIATE</c>
/// transaction (confirmations and settlements share the group commit's), so one fsync covers every call it touches,
/// and two processes sharing the file serialise on the write lock: a row one of them claimed is no longer due when the
/// other looks.
/// </summary>
public sealed partial class SqliteCallStore : ICallOutbox
{
    /// <summary>
    /// Claims the most overdue owed events: each state is read from the <c>calls_relay</c> index, oldest first and at
    /// most <c>$max</c> of each, so the sweep costs the same whatever the backlog. The document is not needed to
    /// publish (only its trace id, from its column), so one that no longer deserializes as a call cannot stop a claim.
    /// </summary>
    internal const string ClaimSql = """
        UPDATE calls
        SET relay_claim = $claim, relay_for = stage_changed_at, relay_after = $lease_until,
            relay_attempts = CASE WHEN relay_state = 'claimed' THEN relay_attempts ELSE 0 END + 1
        WHERE id IN (
            SELECT id FROM (
                SELECT * FROM (
                    SELECT id, relay_since - $unconfirmed AS overdue FROM calls
                    WHERE relay_state = 'unconfirmed' AND relay_since < $unconfirmed ORDER BY relay_since LIMIT $max)
                UNION ALL
                SELECT * FROM (
                    SELECT id, relay_since - $stalled AS overdue FROM calls
                    WHERE relay_state = 'stalled' AND relay_since < $stalled ORDER BY relay_since LIMIT $max)
                UNION ALL
                SELECT * FROM (
                    SELECT id, relay_since - $claimed AS overdue FROM calls
                    WHERE relay_state = 'claimed' AND relay_since <= $claimed ORDER BY relay_since LIMIT $max))
            ORDER BY overdue LIMIT $max)
        RETURNING id, project_id, stage, stage_changed_at, relay_attempts, trace_id
        """;

    // The confirmation is bookkeeping, not a change of the call: the version stays, so a stage worker's
    // compare-and-swap is not disturbed. A write that read the call before and lands after it puts the old value
    // back, which costs one duplicate event (consumers are idempotent), never a lost one. Only the column is set:
    // reads take the time from it (see Deserialize), and leaving the document alone spares every expression index
    // and the metadata trigger, which a changed document makes SQLite recompute.

    /// <remarks>
    /// Through the group commit, like the stage writes: a batch of confirmations shares their fsync instead of paying
    /// its own (at 60 calls/s the separate transactions were about as many fsyncs as all the stage writes together).
    /// </remarks>
    public Task MarkPublishedAsync(IReadOnlyCollection<OwedEvent> events, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        return database.WriteAsync(async (connection, transaction, token) =>
        {
            var command = connection.Prepared("""
                UPDATE calls SET outbox_published_at = $at
                WHERE id = $id AND stage = $stage AND stage_changed_at = $changed AND outbox_published_at IS NULL
                """, transaction);
            AddTime(command, publishedAt);
            var id = command.Parameters.Add("$id", SqliteType.Integer);
            var stage = command.Parameters.Add("$stage", SqliteType.Text);
            var changed = command.Parameters.Add("$changed", SqliteType.Integer);
            foreach (var owed in events)
            {
                id.Value = owed.CallLogId;
                stage.Value = StageName(owed.Stage);
                changed.Value = owed.StageChangedAt.ToUnixTimeMilliseconds();
                await command.ExecuteNonQueryAsync(token);
            }
            return events.Count;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(
        OutboxDue due, int max, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var claimId = Guid.NewGuid().ToString("N");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = SqliteDatabase.BeginWrite(connection);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = ClaimSql;
        AddClaimParameters(command, due, max, leaseUntil, claimId);
        var claims = new List<OutboxClaim>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claims.Add(new OutboxClaim(
                    CallLogId: reader.GetInt64(0),
                    ProjectId: reader.GetInt64(1),
                    Stage: reader.GetString(2),
                    StageChangedAt: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    TraceId: reader.IsDBNull(5) ? null : reader.GetValue(5) as string,
                    ClaimId: claimId,
                    Attempt: (int)reader.GetInt64(4)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        // RETURNING gives rows in no promised order.
        return claims.OrderBy(c => c.StageChangedAt).ThenBy(c => c.CallLogId).ToList();
    }

    /// <summary>The parameters of <see cref="ClaimSql"/>; also for the test that checks its query plan.</summary>
    internal static void AddClaimParameters(SqliteCommand command, OutboxDue due, int max, DateTimeOffset leaseUntil, string claimId)
    {
        command.Parameters.AddWithValue("$claim", claimId);
        command.Parameters.AddWithValue("$lease_until", leaseUntil.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$unconfirmed", due.UnconfirmedBefore.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$stalled", due.StalledBefore.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$claimed", due.ClaimedBefore.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$max", max);
    }

    public Task SettleAsync(IReadOnlyCollection<OutboxSettlement> settlements, CancellationToken cancellationToken)
    {
        if (settlements.Count == 0)
        {
            return Task.CompletedTask;
        }
        // Through the group commit, as MarkPublishedAsync.
        return database.WriteAsync(async (connection, transaction, token) =>
        {
            var published = SettleCommand(connection, transaction,
                "outbox_published_at = $at, relay_after = $next, relay_claim = NULL");
            var failed = SettleCommand(connection, transaction, "relay_after = $next, relay_claim = NULL");
            foreach (var settlement in settlements)
            {
                var command = settlement.PublishedAt is null ? failed : published;
                command.Parameters.Clear();
                if (settlement.PublishedAt is { } at)
                {
                    AddTime(command, at);
                }
                command.Parameters.AddWithValue("$next", settlement.NextAttemptAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$id", settlement.Claim.CallLogId);
                command.Parameters.AddWithValue("$claim", settlement.Claim.ClaimId);
                command.Parameters.AddWithValue("$changed", settlement.Claim.StageChangedAt.ToUnixTimeMilliseconds());
                await command.ExecuteNonQueryAsync(token);
            }
            return settlements.Count;
        }, cancellationToken);
    }

    public async Task ReleaseClaimsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await SqliteDatabase.ExecuteAsync(connection, """
            UPDATE calls SET relay_claim = NULL, relay_for = NULL, relay_after = NULL, relay_attempts = 0
            WHERE relay_state = 'claimed'
            """, cancellationToken);
    }

    /// <summary>Changes a claimed call only while the claim is still this one and its stage has not moved on.</summary>
    private static SqliteCommand SettleCommand(SqliteWriterConnection connection, SqliteTransaction transaction, string set) =>
        connection.Prepared($"""
            UPDATE calls SET {set}
            WHERE id = $id AND relay_claim = $claim AND relay_for = stage_changed_at AND stage_changed_at = $changed
            """, transaction);

    private static void AddTime(SqliteCommand command, DateTimeOffset at) =>
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
}
