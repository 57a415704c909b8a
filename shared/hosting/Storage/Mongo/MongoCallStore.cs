using System.Text.RegularExpressions;
using Cekura.Contracts.Calls;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// Calls as <c>{ _id, project_id, call_id, agent_id, ts, stage, stage_changed_at, outbox_published_at, version, meta, doc }</c>:
/// the columns the SQLite store indexes, as top-level fields (times in unix ms), the metadata as <c>{k, v}</c> pairs
/// for the list filters (see <see cref="MongoCallFilter"/>), plus the whole CallLog in <c>doc</c>.
/// </summary>
public sealed partial class MongoCallStore(MongoStoreContext context) : ICallStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    public async Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        if (await FindIdAsync(call.ProjectId, call.CallId, cancellationToken) is { } existingId)
        {
            throw new DuplicateCallException(existingId, call.CallId);
        }

        var stored = call with { Id = await context.NextIdAsync("calls", cancellationToken), Version = 1 };
        try
        {
            await context.Calls.InsertOneAsync(ToDocument(stored), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (MongoStoreContext.IsDuplicateKey(e))
        {
            throw new DuplicateCallException(await FindIdAsync(call.ProjectId, call.CallId, cancellationToken) ?? 0, call.CallId);
        }
        return stored;
    }

    public Task<CallLog?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        FindOneAsync(Filter.Eq("_id", id) & Filter.Eq("project_id", projectId), cancellationToken);

    public Task<CallLog?> FindByCallIdAsync(long projectId, string callId, CancellationToken cancellationToken) =>
        FindOneAsync(Filter.Eq("project_id", projectId) & Filter.Eq("call_id", callId), cancellationToken);

    public Task<CallLog?> GetForWorkerAsync(long id, CancellationToken cancellationToken) =>
        FindOneAsync(Filter.Eq("_id", id), cancellationToken);

    public async Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var next = updated with { Version = updated.Version + 1 };
        var result = await context.Calls.ReplaceOneAsync(
            Filter.Eq("_id", updated.Id) & Filter.Eq("project_id", updated.ProjectId) & Filter.Eq("version", updated.Version),
            ToDocument(next),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1 ? next : null;
    }

    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var result = await context.Calls.DeleteOneAsync(Filter.Eq("_id", id) & Filter.Eq("project_id", projectId), cancellationToken);
        return result.DeletedCount == 1;
    }

    public async Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var filter = Filter.Eq("project_id", query.ProjectId)
            & Filter.Gte("ts", query.From.ToUnixTimeMilliseconds())
            & Filter.Lte("ts", query.To.ToUnixTimeMilliseconds());
        if (query.AgentId is { } agentId)
        {
            filter &= Filter.Eq("agent_id", agentId);
        }
        if (!string.IsNullOrEmpty(query.Search))
        {
            filter &= Filter.Regex("call_id", new BsonRegularExpression(Regex.Escape(query.Search), "i"));
        }
        if (query.Ids is { } ids)
        {
            filter &= Filter.In("_id", ids);
        }
        if (query.Filter is { } callFilter)
        {
            filter &= MongoCallFilter.Translate(callFilter);
        }

        var total = await context.Calls.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        // Limit(0) means "no limit" to MongoDB; SQLite's LIMIT 0 returns nothing.
        if (query.PageSize <= 0)
        {
            return new CallPage(total, []);
        }
        var docs = await context.Calls.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Descending("ts").Descending("_id"))
            .Skip((int)Math.Min(int.MaxValue, Math.Max(0L, (long)(query.Page - 1) * query.PageSize)))
            .Limit(query.PageSize)
            .ToListAsync(cancellationToken);
        return new CallPage(total, docs.Select(FromDocument).ToList());
    }

    public async Task<IReadOnlyList<CallLog>> ListDueRedeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        if (limit <= 0)
        {
            return [];
        }
        // Few calls ever have a redelivery pending; the due time (an ISO string inside doc) is compared here.
        var pending = Filter.Exists("doc.redeliver_at") & Filter.Ne("doc.redeliver_at", BsonNull.Value)
            & Filter.Nin("stage", new[] { "evaluated", "failed" });
        var docs = await context.Calls.Find(pending).ToListAsync(cancellationToken);
        return docs.Select(FromDocument)
            .Where(call => call.RedeliverAt <= now)
            .OrderBy(call => call.RedeliverAt)
            .Take(limit)
            .ToList();
    }

    /// <summary>
    /// Both counts are answered from the <c>calls_outbox</c> index (stage, outbox_published_at, …): the stage bounds keep
    /// the scan to the calls counted, however many finished calls the collection holds.
    /// </summary>
    public async Task<CallBacklog> CountBacklogAsync(CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var groups = await context.Calls.Aggregate()
            .Match(Filter.In("stage", ActiveStages))
            .Group(new BsonDocument { { "_id", "$stage" }, { "n", new BsonDocument("$sum", 1) } })
            .ToListAsync(cancellationToken);
        var waiting = new Dictionary<CallStage, long>();
        foreach (var group in groups)
        {
            if (Enum.TryParse<CallStage>(group["_id"].AsString, ignoreCase: true, out var stage))
            {
                waiting[stage] = group["n"].ToInt64();
            }
        }
        var owed = await context.Calls.CountDocumentsAsync(
            Filter.In("stage", OwingStages) & Filter.Eq("outbox_published_at", BsonNull.Value), cancellationToken: cancellationToken);
        return new CallBacklog(waiting, owed);
    }

    public async Task<IReadOnlyList<CallLog>> ListByTraceIdAsync(long projectId, string traceId, int limit, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var docs = await context.Calls.Find(Filter.Eq("project_id", projectId) & Filter.Eq("doc.trace_id", traceId))
            .Sort(Builders<BsonDocument>.Sort.Ascending("_id")).Limit(limit).ToListAsync(cancellationToken);
        return docs.Select(FromDocument).ToList();
    }

    private async Task<CallLog?> FindOneAsync(FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var found = await context.Calls.Find(filter).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : FromDocument(found);
    }

    private async Task<long?> FindIdAsync(long projectId, string callId, CancellationToken cancellationToken)
    {
        var found = await context.Calls
            .Find(Filter.Eq("project_id", projectId) & Filter.Eq("call_id", callId))
            .Project(Builders<BsonDocument>.Projection.Include("_id"))
            .FirstOrDefaultAsync(cancellationToken);
        return found?["_id"].ToInt64();
    }

    private static BsonDocument ToDocument(CallLog call) => new()
    {
        { "_id", call.Id },
        { "project_id", call.ProjectId },
        { "call_id", call.CallId },
        { "agent_id", call.AgentId },
        { "ts", call.Timestamp.ToUnixTimeMilliseconds() },
        { "stage", StageName(call.Stage) },
        { "stage_changed_at", call.StageChangedAt.ToUnixTimeMilliseconds() },
        { "outbox_published_at", MongoDocuments.UnixMs(call.OutboxPublishedAt) },
        { "version", call.Version },
        { "meta", MongoCallFilter.MetaEntries(call.Metadata) },
        { "doc", MongoDocuments.ToBson(call) },
    };

    private static CallLog FromDocument(BsonDocument document) => MongoDocuments.FromBson<CallLog>(document["doc"].AsBsonDocument);

    private static string StageName(CallStage stage) => stage.ToString().ToLowerInvariant();
}
