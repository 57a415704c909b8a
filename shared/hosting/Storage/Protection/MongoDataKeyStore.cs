using System.Security.Cryptography;
using Cekura.Hosting.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Protection;

/// <summary>
/// Data keys in their own database (<c>{Database}_keys</c>), apart from the calls, so the calls' backups and
/// replicas never carry the keys. MongoDB gives no secure deletion on disk; the guarantee rests on the call store
/// holding only ciphertext for sealed calls.
/// </summary>
public sealed class MongoDataKeyStore(MongoStoreContext context) : IDataKeyStore
{
    private IMongoCollection<BsonDocument> Keys =>
        context.Database.Client.GetDatabase(context.Database.DatabaseNamespace.DatabaseName + "_keys").GetCollection<BsonDocument>("data_keys");

    public async Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        await Keys.InsertOneAsync(new BsonDocument { ["_id"] = id, ["key"] = new BsonBinaryData(RandomNumberGenerator.GetBytes(32)) },
            cancellationToken: cancellationToken);
        return id;
    }

    public async Task<byte[]?> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        var found = await Keys.Find(Builders<BsonDocument>.Filter.Eq("_id", keyId)).FirstOrDefaultAsync(cancellationToken);
        return found?["key"].AsBsonBinaryData.Bytes;
    }

    public Task DestroyAsync(string keyId, CancellationToken cancellationToken) =>
        Keys.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", keyId), cancellationToken);
}
