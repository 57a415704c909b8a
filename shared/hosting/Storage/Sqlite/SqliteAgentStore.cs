using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Agents;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

public sealed class SqliteAgentStore(SqliteDatabase database) : IAgentStore
{
    public async Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = SqliteDatabase.BeginWrite(connection);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO agents (project_id, assistant_id, doc) VALUES ($project, $assistant, '{}') RETURNING id";
        insert.Parameters.AddWithValue("$project", agent.ProjectId);
        insert.Parameters.AddWithValue("$assistant", (object?)agent.AssistantId ?? DBNull.Value);
        long id;
        try
        {
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new DuplicateAssistantIdException(agent.AssistantId!);
        }
        var stored = agent with { Id = id };
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE agents SET doc = $doc WHERE id = $id";
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(stored, CekuraJson.Options));
        update.Parameters.AddWithValue("$id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<Agent?> UpdateAsync(Agent agent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        // The stored token fields are copied into the new document in the same statement, so no read-then-write
        // window lets a stale agent undo a rotation or revocation.
        update.CommandText = """
            UPDATE agents SET assistant_id = $assistant,
                doc = json_set($doc, '$.webhook_token_hash', json_extract(doc, '$.webhook_token_hash'),
                                     '$.webhook_token_prefix', json_extract(doc, '$.webhook_token_prefix'))
            WHERE project_id = $project AND id = $id
            RETURNING doc
            """;
        update.Parameters.AddWithValue("$assistant", (object?)agent.AssistantId ?? DBNull.Value);
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(agent, CekuraJson.Options));
        update.Parameters.AddWithValue("$project", agent.ProjectId);
        update.Parameters.AddWithValue("$id", agent.Id);
        try
        {
            return await update.ExecuteScalarAsync(cancellationToken) is string doc
                ? JsonSerializer.Deserialize<Agent>(doc, CekuraJson.Options)
                : null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new DuplicateAssistantIdException(agent.AssistantId!);
        }
    }

    public async Task<Agent?> SetWebhookTokenAsync(
        long projectId, long id, string? hashHex, string? prefix, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE agents SET doc = json_set(doc, '$.webhook_token_hash', $hash, '$.webhook_token_prefix', $prefix,
                                                  '$.updated_at', json($updatedAt))
            WHERE project_id = $project AND id = $id
            RETURNING doc
            """;
        update.Parameters.AddWithValue("$hash", (object?)hashHex ?? DBNull.Value);
        update.Parameters.AddWithValue("$prefix", (object?)prefix ?? DBNull.Value);
        update.Parameters.AddWithValue("$updatedAt", JsonSerializer.Serialize(now, CekuraJson.Options));
        update.Parameters.AddWithValue("$project", projectId);
        update.Parameters.AddWithValue("$id", id);
        return await update.ExecuteScalarAsync(cancellationToken) is string doc
            ? JsonSerializer.Deserialize<Agent>(doc, CekuraJson.Options)
            : null;
    }

    public async Task<Agent?> FindByWebhookTokenAsync(string hashHex, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The same expression as the agents_webhook_token index, so the lookup uses it.
        command.CommandText = "SELECT doc FROM agents WHERE json_extract(doc, '$.webhook_token_hash') = $hash";
        command.Parameters.AddWithValue("$hash", hashHex);
        return await command.ExecuteScalarAsync(cancellationToken) is string doc
            ? JsonSerializer.Deserialize<Agent>(doc, CekuraJson.Options)
            : null;
    }

    public Task<Agent?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        QuerySingleAsync("SELECT doc FROM agents WHERE project_id = $project AND id = $value", projectId, id, cancellationToken);

    public Task<Agent?> FindByAssistantIdAsync(long projectId, string assistantId, CancellationToken cancellationToken) =>
        QuerySingleAsync("SELECT doc FROM agents WHERE project_id = $project AND assistant_id = $value", projectId, assistantId, cancellationToken);

    public async Task<(long Count, IReadOnlyList<Agent> Items)> ListAsync(
        long projectId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM agents WHERE project_id = $project";
        count.Parameters.AddWithValue("$project", projectId);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT doc FROM agents WHERE project_id = $project ORDER BY id LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$limit", pageSize);
        command.Parameters.AddWithValue("$offset", (long)(page - 1) * pageSize);
        return (total, await ReadAllAsync(command, cancellationToken));
    }

    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM agents WHERE project_id = $project AND id = $id";
        delete.Parameters.AddWithValue("$project", projectId);
        delete.Parameters.AddWithValue("$id", id);
        return await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<Agent>> ListEnablingAsync(
        long projectId, IReadOnlyCollection<long> metricIds, CancellationToken cancellationToken)
    {
        if (metricIds.Count == 0)
        {
            return [];
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = EnablingAgents + " ORDER BY id";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$metrics", JsonSerializer.Serialize(metricIds));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task SetMetricAgentsAsync(
        long projectId, long metricId, IReadOnlyCollection<long> agentIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the read and the rewrite of each agent happen under the write lock, so a concurrent change
        // to the same agent (a PATCH, or another metric's enabling) is not lost.
        await using var transaction = SqliteDatabase.BeginWrite(connection);
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = EnablingAgents + " OR (project_id = $project AND id IN (SELECT value FROM json_each($agents)))";
        select.Parameters.AddWithValue("$project", projectId);
        select.Parameters.AddWithValue("$metrics", JsonSerializer.Serialize(new[] { metricId }));
        select.Parameters.AddWithValue("$agents", JsonSerializer.Serialize(agentIds));
        var wanted = agentIds.ToHashSet();
        foreach (var agent in await ReadAllAsync(select, cancellationToken))
        {
            var enabled = wanted.Contains(agent.Id);
            if (agent.MetricIds.Contains(metricId) == enabled)
            {
                continue;
            }
            var changed = agent with
            {
                MetricIds = enabled ? [.. agent.MetricIds, metricId] : agent.MetricIds.Where(m => m != metricId).ToList(),
                UpdatedAt = now,
            };
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE agents SET doc = $doc WHERE project_id = $project AND id = $id";
            update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(changed, CekuraJson.Options));
            update.Parameters.AddWithValue("$project", projectId);
            update.Parameters.AddWithValue("$id", agent.Id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The project's agents whose metric_ids hold one of the ids in the JSON array <c>$metrics</c>.</summary>
    private const string EnablingAgents = """
        SELECT doc FROM agents WHERE project_id = $project AND EXISTS (
            SELECT 1 FROM json_each(agents.doc, '$.metric_ids') AS enabled
            WHERE enabled.value IN (SELECT value FROM json_each($metrics)))
        """;

    private static async Task<IReadOnlyList<Agent>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var agents = new List<Agent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            agents.Add(JsonSerializer.Deserialize<Agent>(reader.GetString(0), CekuraJson.Options)!);
        }
        return agents;
    }

    private async Task<Agent?> QuerySingleAsync(string sql, long projectId, object value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$value", value);
        return await command.ExecuteScalarAsync(cancellationToken) is string doc
            ? JsonSerializer.Deserialize<Agent>(doc, CekuraJson.Options)
            : null;
    }
}
