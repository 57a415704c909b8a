using Cekura.Contracts.Metrics;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>Metrics as <c>{ _id, project_id, doc }</c>; the agent filter reads the agent's own <c>doc.metric_ids</c>.</summary>
public sealed class MongoMetricStore(MongoStoreContext context) : IMetricStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public async Task<MetricDefinition> CreateAsync(MetricDefinition metric, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        // The counter counts from 1; custom ids start above the predefined catalogue's.
        var id = await context.NextIdAsync("metrics", cancellationToken) + MetricDefinition.FirstCustomId - 1;
        var stored = metric with { Id = id };
        await context.Metrics.InsertOneAsync(new BsonDocument
        {
            { "_id", stored.Id },
            { "project_id", stored.ProjectId },
            { "doc", MongoDocuments.ToBson(stored) },
        }, cancellationToken: cancellationToken);
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
        await context.EnsureInitializedAsync(cancellationToken);
        var docs = await context.Metrics.Find(Filter.Eq("project_id", projectId) & Filter.In("_id", ids))
            .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
            .ToListAsync(cancellationToken);
        return docs.Select(Read).ToList();
    }

    public async Task<(long Count, IReadOnlyList<MetricDefinition> Items)> ListAsync(
        long projectId, int page, int pageSize, long? agentId, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var filter = Filter.Eq("project_id", projectId);
        if (agentId is { } agent)
        {
            var found = await context.Agents.Find(Filter.Eq("project_id", projectId) & Filter.Eq("_id", agent))
                .Project(Builders<BsonDocument>.Projection.Include("doc.metric_ids"))
                .FirstOrDefaultAsync(cancellationToken);
            // An agent stored before agents had metrics has no doc.metric_ids, and the projection then has no doc at all.
            var enabled = found is not null && found.TryGetValue("doc", out var doc)
                && doc.AsBsonDocument.TryGetValue("metric_ids", out var ids) && ids.IsBsonArray
                ? ids.AsBsonArray.Select(v => v.ToInt64()).ToList()
                : [];
            filter &= Filter.In("_id", enabled);
        }
        var total = await context.Metrics.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        if (pageSize <= 0)
        {
            return (total, []);
        }
        var docs = await context.Metrics.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
            .Skip((int)Math.Min(int.MaxValue, Math.Max(0L, (long)(page - 1) * pageSize)))
            .Limit(pageSize)
            .ToListAsync(cancellationToken);
        return (total, docs.Select(Read).ToList());
    }

    public async Task<MetricDefinition?> UpdateAsync(MetricDefinition metric, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var result = await context.Metrics.UpdateOneAsync(
            Filter.Eq("project_id", metric.ProjectId) & Filter.Eq("_id", metric.Id),
            Builders<BsonDocument>.Update.Set<BsonValue>("doc", MongoDocuments.ToBson(metric)),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1 ? metric : null;
    }

    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var result = await context.Metrics.DeleteOneAsync(Filter.Eq("project_id", projectId) & Filter.Eq("_id", id), cancellationToken);
        return result.DeletedCount == 1;
    }

    private static MetricDefinition Read(BsonDocument document) => MongoDocuments.FromBson<MetricDefinition>(document["doc"].AsBsonDocument);
}
