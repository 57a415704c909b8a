using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Metrics;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>Metrics as <c>(id, project_id, doc)</c>; the agent filter reads the agents' own <c>metric_ids</c>.</summary>
public sealed class SqliteMetricStore(SqliteDatabase database) : IMetricStore
{
    public async Task<MetricDefinition> CreateAsync(MetricDefinition metric, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = SqliteDatabase.BeginWrite(connection);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO metrics (project_id, doc) VALUES ($project, '{}') RETURNING id";
        insert.Parameters.AddWithValue("$project", metric.ProjectId);
        var stored = metric with { Id = (long)(await insert.ExecuteScalarAsync(cancellationToken))! };
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE metrics SET doc = $doc WHERE id = $id";
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(stored, CekuraJson.Options));
        update.Parameters.AddWithValue("$id", stored.Id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<MetricDefinition?> GetAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        var found = await GetManyAsync(projectId, [id], cancellationToken);
        return found.Count == 1 ? found[0] : null;
    }

    public async Task<IReadOnlyList<MetricDefinition>> GetManyAsync(
        long projectId, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The ids travel as one JSON array parameter, so any number of them is one statement.
        command.CommandText =
            "SELECT doc FROM metrics WHERE project_id = $project AND id IN (SELECT value FROM json_each($ids)) ORDER BY id";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<(long Count, IReadOnlyList<MetricDefinition> Items)> ListAsync(
        long projectId, int page, int pageSize, long? agentId, CancellationToken cancellationToken)
    {
        // Without an agent every metric of the project matches; with one, those in that agent's metric_ids.
        const string where = """
            project_id = $project AND ($agent IS NULL OR id IN (
                SELECT ids.value FROM agents, json_each(agents.doc, '$.metric_ids') AS ids
                WHERE agents.project_id = $project AND agents.id = $agent))
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM metrics WHERE {where}";
        count.Parameters.AddWithValue("$project", projectId);
        count.Parameters.AddWithValue("$agent", (object?)agentId ?? DBNull.Value);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT doc FROM metrics WHERE {where} ORDER BY id LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$agent", (object?)agentId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", pageSize);
        command.Parameters.AddWithValue("$offset", (long)(page - 1) * pageSize);
        return (total, await ReadAllAsync(command, cancellationToken));
    }

    public async Task<MetricDefinition?> UpdateAsync(MetricDefinition metric, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE metrics SET doc = $doc WHERE project_id = $project AND id = $id";
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(metric, CekuraJson.Options));
        update.Parameters.AddWithValue("$project", metric.ProjectId);
        update.Parameters.AddWithValue("$id", metric.Id);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1 ? metric : null;
    }

    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM metrics WHERE project_id = $project AND id = $id";
        delete.Parameters.AddWithValue("$project", projectId);
        delete.Parameters.AddWithValue("$id", id);
        return await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<IReadOnlyList<MetricDefinition>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var metrics = new List<MetricDefinition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            metrics.Add(JsonSerializer.Deserialize<MetricDefinition>(reader.GetString(0), CekuraJson.Options)!);
        }
        return metrics;
    }
}
