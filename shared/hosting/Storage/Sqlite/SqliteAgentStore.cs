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
        await using var transaction = connection.BeginTransaction(deferred: false);
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
        update.CommandText = "UPDATE agents SET assistant_id = $assistant, doc = $doc WHERE project_id = $project AND id = $id";
        update.Parameters.AddWithValue("$assistant", (object?)agent.AssistantId ?? DBNull.Value);
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(agent, CekuraJson.Options));
        update.Parameters.AddWithValue("$project", agent.ProjectId);
        update.Parameters.AddWithValue("$id", agent.Id);
        try
        {
            return await update.ExecuteNonQueryAsync(cancellationToken) == 1 ? agent : null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new DuplicateAssistantIdException(agent.AssistantId!);
        }
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
        var agents = new List<Agent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            agents.Add(JsonSerializer.Deserialize<Agent>(reader.GetString(0), CekuraJson.Options)!);
        }
        return (total, agents);
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
