namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>Looks recording keys up in the calls' <c>recording_key</c> column, through its index <c>calls_recording_key</c>.</summary>
public sealed class SqliteRecordingReferences(SqliteDatabase database) : IRecordingReferences
{
    internal static string LookupSql(IEnumerable<string> parameterNames) =>
        $"SELECT recording_key FROM calls WHERE recording_key IN ({string.Join(",", parameterNames)})";

    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> blobKeys, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        // Well under SQLite's limit on parameters per statement.
        foreach (var chunk in blobKeys.Distinct().Chunk(500))
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            var names = chunk.Select((_, i) => $"$k{i}").ToList();
            command.CommandText = LookupSql(names);
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
