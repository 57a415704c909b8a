using Cekura.Contracts.Tenancy;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>API keys as <c>{ _id, prefix, hash, doc }</c>; <c>hash</c> is unique.</summary>
public sealed class MongoApiKeyStore(MongoStoreContext context) : IApiKeyStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public async Task<ApiKeyRecord> AddAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        if (await FindByHashAsync(key.HashHex, cancellationToken) is { } existing)
        {
            return existing;
        }

        var stored = key with { Id = await context.NextIdAsync("api_keys", cancellationToken) };
        var document = new BsonDocument
        {
            { "_id", stored.Id },
            { "prefix", stored.Prefix },
            { "hash", stored.HashHex },
            { "doc", MongoDocuments.ToBson(stored) },
        };
        try
        {
            await context.ApiKeys.InsertOneAsync(document, cancellationToken: cancellationToken);
            return stored;
        }
        catch (MongoWriteException e) when (MongoStoreContext.IsDuplicateKey(e))
        {
            // Another writer stored the same hash between our lookup and insert: theirs is the stored key.
            var winner = await FindByHashAsync(key.HashHex, cancellationToken);
            if (winner is null)
            {
                throw;
            }
            return winner;
        }
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var docs = await context.ApiKeys.Find(Filter.Eq("prefix", prefix))
            .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
            .ToListAsync(cancellationToken);
        return docs.Select(d => MongoDocuments.FromBson<ApiKeyRecord>(d["doc"].AsBsonDocument)).ToList();
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        return await context.ApiKeys.CountDocumentsAsync(Filter.Empty, cancellationToken: cancellationToken);
    }

    public async Task<ApiKeyRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var found = await context.ApiKeys.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : MongoDocuments.FromBson<ApiKeyRecord>(found["doc"].AsBsonDocument);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? organizationId, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var filter = organizationId is { } org ? Filter.Eq("doc.organization_id", org) : Filter.Empty;
        var docs = await context.ApiKeys.Find(filter).Sort(Builders<BsonDocument>.Sort.Ascending("_id")).ToListAsync(cancellationToken);
        return docs.Select(d => MongoDocuments.FromBson<ApiKeyRecord>(d["doc"].AsBsonDocument)).ToList();
    }

    public Task<ApiKeyRecord?> RecordUseAsync(long id, DateTimeOffset usedAt, CancellationToken cancellationToken) =>
        SetUnlessRevokedAsync(id, "doc.last_used_at", usedAt, cancellationToken);

    public Task<ApiKeyRecord?> RevokeAsync(long id, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        SetUnlessRevokedAsync(id, "doc.revoked_at", revokedAt, cancellationToken);

    /// <summary>One field of the stored document set in place; the filter leaves a revoked key as it is.</summary>
    private async Task<ApiKeyRecord?> SetUnlessRevokedAsync(long id, string field, DateTimeOffset value, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        // Eq null matches both a null and a missing revoked_at.
        await context.ApiKeys.UpdateOneAsync(
            Filter.Eq("_id", id) & Filter.Eq("doc.revoked_at", BsonNull.Value),
            Builders<BsonDocument>.Update.Set(field, MongoDocuments.Value(value)),
            cancellationToken: cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    private async Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        var found = await context.ApiKeys.Find(Filter.Eq("hash", hash)).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : MongoDocuments.FromBson<ApiKeyRecord>(found["doc"].AsBsonDocument);
    }
}
