using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Tenancy;

namespace Cekura.Hosting.Storage.Sqlite;

public sealed class SqliteTenancyStore(SqliteDatabase database) : ITenancyStore
{
    public async Task<Organization> CreateOrganizationAsync(string name, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var organization = new Organization { Name = name, CreatedAt = createdAt };
        var id = await InsertAsync("organizations", null, id => organization with { Id = id }, cancellationToken);
        return organization with { Id = id };
    }

    public async Task<Organization?> GetOrganizationAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync<Organization>("SELECT doc FROM organizations WHERE id = $value", id, cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        QueryAsync<Organization>("SELECT doc FROM organizations WHERE $value IS NULL ORDER BY id", null, cancellationToken);

    public async Task<Project> CreateProjectAsync(Project project, CancellationToken cancellationToken)
    {
        var id = await InsertAsync("projects", project.OrganizationId, id => project with { Id = id }, cancellationToken);
        return project with { Id = id };
    }

    public async Task<Project?> UpdateProjectAsync(Project project, CancellationToken cancellationToken)
    {
        var existing = await GetProjectAsync(project.Id, cancellationToken);
        if (existing is null)
        {
            return null;
        }
        var updated = project with { OrganizationId = existing.OrganizationId };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE projects SET doc = $doc WHERE id = $id";
        command.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(updated, CekuraJson.Options));
        command.Parameters.AddWithValue("$id", project.Id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? updated : null;
    }

    public async Task<Project?> GetProjectAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync<Project>("SELECT doc FROM projects WHERE id = $value", id, cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<Project>> ListProjectsAsync(long organizationId, CancellationToken cancellationToken) =>
        QueryAsync<Project>("SELECT doc FROM projects WHERE organization_id = $value ORDER BY id", organizationId, cancellationToken);

    /// <summary>Inserts a row and its document (which carries the new id) in one transaction.</summary>
    private async Task<long> InsertAsync<T>(string table, long? organizationId, Func<long, T> document, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = SqliteDatabase.BeginWrite(connection);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = organizationId is null
            ? $"INSERT INTO {table} (doc) VALUES ('{{}}') RETURNING id"
            : $"INSERT INTO {table} (organization_id, doc) VALUES ($org, '{{}}') RETURNING id";
        insert.Parameters.AddWithValue("$org", (object?)organizationId ?? DBNull.Value);
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = $"UPDATE {table} SET doc = $doc WHERE id = $id";
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(document(id), CekuraJson.Options));
        update.Parameters.AddWithValue("$id", id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, long? value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$value", (object?)value ?? DBNull.Value);
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), CekuraJson.Options)!);
        }
        return items;
    }
}
