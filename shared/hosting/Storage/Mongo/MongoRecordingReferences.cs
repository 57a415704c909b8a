using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>Looks recording keys up in the calls' documents, through the index <c>calls_recording_key</c>.</summary>
public sealed class MongoRecordingReferences(MongoStoreContext context) : IRecordingReferences
{
    private const string BlobKey = "doc.recording.blob_key";

    public async Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> blobKeys, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in blobKeys.Distinct().Chunk(500))
        {
            var docs = await context.Calls
                .Find(Builders<BsonDocument>.Filter.In(BlobKey, chunk))
                .Project(Builders<BsonDocument>.Projection.Include(BlobKey).Exclude("_id"))
                .ToListAsync(cancellationToken);
            found.UnionWith(docs.Select(d => d["doc"]["recording"]["blob_key"].AsString));
        }
        return found;
    }
}
