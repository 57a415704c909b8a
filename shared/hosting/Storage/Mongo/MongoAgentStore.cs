using Cekura.Contracts.Agents;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// Agents as <c>{ _id, project_id, assistant_id (string or null), webhook_token_hash, webhook_token_prefix, doc }</c>. The
/// webhook token lives beside <c>doc</c>, not in it, so replacing <c>doc</c> (an agent update) never touches it.
/// </summary>
public sealed class MongoAgentStore(MongoStoreContext context) : IAgentStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public async Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var stored = agent with { Id = await context.NextIdAsync("agents", cancellationToken) };
        var document = new BsonDocument
        {
            { "_id", stored.Id },
            { "project_id", stored.ProjectId },
            { "assistant_id", stored.AssistantId is { } assistantId ? new BsonString(assistantId) : BsonNull.Value },
            { TokenHash, Text(stored.WebhookTokenHash) },
            { TokenPrefix, Text(stored.WebhookTokenPrefix) },
            { "doc", Doc(stored) },
        };
        try
        {
            await context.Agents.InsertOneAsync(document, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (MongoStoreContext.IsDuplicateKey(e))
        {
            throw new DuplicateAssistantIdException(agent.AssistantId!);
        }
        return stored;
    }

    public async Task<Agent?> UpdateAsync(Agent agent, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var set = Builders<BsonDocument>.Update;
        var update = set.Combine(
            set.Set<BsonValue>("assistant_id", agent.AssistantId is { } assistantId ? new BsonString(assistantId) : BsonNull.Value),
            set.Set<BsonValue>("doc", Doc(agent)));
        try
        {
            var stored = await context.Agents.FindOneAndUpdateAsync(
                Filter.Eq("project_id", agent.ProjectId) & Filter.Eq("_id", agent.Id), update, After, cancellationToken);
            return stored is null ? null : ToAgent(stored);
        }
        catch (MongoWriteException e) when (MongoStoreContext.IsDuplicateKey(e))
        {
            throw new DuplicateAssistantIdException(agent.AssistantId!);
        }
    }

    public async Task<Agent?> SetWebhookTokenAsync(
        long projectId, long id, string? hashHex, string? prefix, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var set = Builders<BsonDocument>.Update;
        var stored = await context.Agents.FindOneAndUpdateAsync(
            Filter.Eq("project_id", projectId) & Filter.Eq("_id", id),
            set.Set(TokenHash, Text(hashHex)).Set(TokenPrefix, Text(prefix)).Set("doc.updated_at", MongoDocuments.Value(now)),
            After, cancellationToken);
        return stored is null ? null : ToAgent(stored);
    }

    public Task<Agent?> FindByWebhookTokenAsync(string hashHex, CancellationToken cancellationToken) =>
        FindOneAsync(Filter.Eq(TokenHash, hashHex), cancellationToken);

    public Task<Agent?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        FindOneAsync(Filter.Eq("project_id", projectId) & Filter.Eq("_id", id), cancellationToken);

    public Task<Agent?> FindByAssistantIdAsync(long projectId, string assistantId, CancellationToken cancellationToken) =>
        FindOneAsync(Filter.Eq("project_id", projectId) & Filter.Eq("assistant_id", assistantId), cancellationToken);

    public async Task<(long Count, IReadOnlyList<Agent> Items)> ListAsync(
        long projectId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var filter = Filter.Eq("project_id", projectId);
        var total = await context.Agents.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        if (pageSize <= 0)
        {
            return (total, []);
        }
        var docs = await context.Agents.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
            .Skip((int)Math.Min(int.MaxValue, Math.Max(0L, (long)(page - 1) * pageSize)))
            .Limit(pageSize)
            .ToListAsync(cancellationToken);
        return (total, docs.Select(ToAgent).ToList());
    }

    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var result = await context.Agents.DeleteOneAsync(Filter.Eq("project_id", projectId) & Filter.Eq("_id", id), cancellationToken);
        return result.DeletedCount == 1;
    }

    public async Task<IReadOnlyList<Agent>> ListEnablingAsync(
        long projectId, IReadOnlyCollection<long> metricIds, CancellationToken cancellationToken)
    {
        if (metricIds.Count == 0)
        {
            return [];
        }
        await context.EnsureInitializedAsync(cancellationToken);
        // On an array field, $in matches a document when any element equals any of the ids.
        var docs = await context.Agents.Find(Filter.Eq("project_id", projectId) & Filter.In("doc.metric_ids", metricIds))
            .Sort(Builders<BsonDocument>.Sort.Ascending("_id"))
            .ToListAsync(cancellationToken);
        return docs.Select(ToAgent).ToList();
    }

    public async Task SetMetricAgentsAsync(
        long projectId, long metricId, IReadOnlyCollection<long> agentIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        // Two atomic multi-document updates (each document changes in one step, so a concurrent change to another
        // field of the same agent is kept). Each filter only matches agents that actually change, so UpdatedAt moves
        // only on those.
        var update = Builders<BsonDocument>.Update;
        var project = Filter.Eq("project_id", projectId);
        var metric = MongoDocuments.Integer(metricId);
        var updatedAt = MongoDocuments.Value(now);
        await context.Agents.UpdateManyAsync(
            project & Filter.In("_id", agentIds) & Filter.Ne("doc.metric_ids", metric),
            update.Push("doc.metric_ids", metric).Set("doc.updated_at", updatedAt),
            cancellationToken: cancellationToken);
        await context.Agents.UpdateManyAsync(
            project & Filter.Nin("_id", agentIds) & Filter.Eq("doc.metric_ids", metric),
            update.Pull("doc.metric_ids", metric).Set("doc.updated_at", updatedAt),
            cancellationToken: cancellationToken);
    }

    private async Task<Agent?> FindOneAsync(FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var found = await context.Agents.Find(filter).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : ToAgent(found);
    }

    private const string TokenHash = "webhook_token_hash";
    private const string TokenPrefix = "webhook_token_prefix";

    private static readonly FindOneAndUpdateOptions<BsonDocument> After = new() { ReturnDocument = ReturnDocument.After };

    private static BsonValue Text(string? value) => value is null ? BsonNull.Value : new BsonString(value);

    /// <summary>The agent's <c>doc</c>, without the token fields (they are stored beside it).</summary>
    private static BsonDocument Doc(Agent agent) => MongoDocuments.ToBson(agent with { WebhookTokenHash = null, WebhookTokenPrefix = null });

    private static Agent ToAgent(BsonDocument stored) => MongoDocuments.FromBson<Agent>(stored["doc"].AsBsonDocument) with
    {
        WebhookTokenHash = stored.GetValue(TokenHash, BsonNull.Value) is BsonString hash ? hash.Value : null,
        WebhookTokenPrefix = stored.GetValue(TokenPrefix, BsonNull.Value) is BsonString prefix ? prefix.Value : null,
    };
}
