namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>Looks recording keys up in the calls' documents, through the expression index <c>calls_recording_key</c>.</summary>
public sealed class SqliteRecordingReferences(SqliteDatabase database) : IRecordingReferences
{
    // The expression must be the indexed one, character for character, for SQLite to use the index.
    private const string BlobKey = "json_extract(doc, '$.recording.blob_key')";

    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> blobKeys, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        // Well under SQLite's limit on parameters per statement.
        foreach (var chunk in blobKeys.Distinct().Chunk(500))
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            var names = chunk.Select((_, i) => $"$k{i}").ToList();
            command.CommandText = $"SELECT {BlobKey} FROM calls WHERE {BlobKey} IN ({string.Join(",", names)})";
            for (var i = 0; i < chunk.Length; i++)
            {
                command.Parameters.AddWithValue(names[i], chunk[i]);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(reader.GetString(0));
            }
        }
        return found;
    }
}
