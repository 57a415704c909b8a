using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Tenancy;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

public sealed class SqliteApiKeyStore(SqliteDatabase database) : IApiKeyStore
{
    public async Task<ApiKeyRecord> AddAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = SqliteDatabase.BeginWrite(connection);
        await using var find = connection.CreateCommand();
        find.Transaction = transaction;
        find.CommandText = "SELECT doc FROM api_keys WHERE hash = $hash";
        find.Parameters.AddWithValue("$hash", key.HashHex);
        if (await find.ExecuteScalarAsync(cancellationToken) is string existing)
        {
            return JsonSerializer.Deserialize<ApiKeyRecord>(existing, CekuraJson.Options)!;
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO api_keys (prefix, hash, doc) VALUES ($prefix, $hash, '{}') RETURNING id";
        insert.Parameters.AddWithValue("$prefix", key.Prefix);
        insert.Parameters.AddWithValue("$hash", key.HashHex);
        var stored = key with { Id = (long)(await insert.ExecuteScalarAsync(cancellationToken))! };

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE api_keys SET doc = $doc WHERE id = $id";
        update.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(stored, CekuraJson.Options));
        update.Parameters.AddWithValue("$id", stored.Id);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT doc FROM api_keys WHERE prefix = $prefix";
        command.Parameters.AddWithValue("$prefix", prefix);
        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(JsonSerializer.Deserialize<ApiKeyRecord>(reader.GetString(0), CekuraJson.Options)!);
        }
        return keys;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM api_keys";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<ApiKeyRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT doc FROM api_keys WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is string doc
            ? JsonSerializer.Deserialize<ApiKeyRecord>(doc, CekuraJson.Options)
            : null;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? organizationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Keys are few; filtering the documents keeps the table's columns to what authentication looks up.
        command.CommandText = "SELECT doc FROM api_keys ORDER BY id";
        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = JsonSerializer.Deserialize<ApiKeyRecord>(reader.GetString(0), CekuraJson.Options)!;
            if (organizationId is null || key.OrganizationId == organizationId)
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    public Task<ApiKeyRecord?> RecordUseAsync(long id, DateTimeOffset usedAt, CancellationToken cancellationToken) =>
        SetUnlessRevokedAsync(id, "$.last_used_at", usedAt, cancellationToken);

    public Task<ApiKeyRecord?> RevokeAsync(long id, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        SetUnlessRevokedAsync(id, "$.revoked_at", revokedAt, cancellationToken);

    /// <summary>One field of the stored document changed in place by SQLite's json_set; the rest stays as stored.</summary>
    private async Task<ApiKeyRecord?> SetUnlessRevokedAsync(long id, string path, DateTimeOffset value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = """
                UPDATE api_keys SET doc = json_set(doc, $path, json($value))
                WHERE id = $id AND json_extract(doc, '$.revoked_at') IS NULL
                """;
            update.Parameters.AddWithValue("$path", path);
            // The value as the serializer writes it (a JSON string), so the document reads back like any other.
            update.Parameters.AddWithValue("$value", JsonSerializer.Serialize(value, CekuraJson.Options));
            update.Parameters.AddWithValue("$id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT doc FROM api_keys WHERE id = $id";
        read.Parameters.AddWithValue("$id", id);
        return await read.ExecuteScalarAsync(cancellationToken) is string doc
            ? JsonSerializer.Deserialize<ApiKeyRecord>(doc, CekuraJson.Options)
            : null;
    }
}
