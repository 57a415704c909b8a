using System.Runtime.CompilerServices;
using Cekura.Hosting.Options;
using MongoDB.Bson;
using MongoDB.Driver;

[assembly: InternalsVisibleTo("Cekura.Storage.Tests")]

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// The MongoDB database shared by the call, agent and key stores and the webhook outbox. Indexes are created once, on first use;
/// ids come from a <c>counters</c> collection because CallLog, Agent and ApiKeyRecord ids are longs, not ObjectIds.
/// </summary>
public sealed class MongoStoreContext(MongoStoreOptions options) : IDisposable
{
    private readonly MongoClient _client = new(ClientSettings(options));
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    public IMongoDatabase Database => _client.GetDatabase(options.Database);

    /// <summary>
    /// The connection string's settings with the write concern every store needs: a <c>201</c> promises a durable
    /// call, so a write counts only once a majority of the replica set has it in its journal (a primary that fails
    /// over cannot roll it back). Set on the client, so every database and collection taken from it inherits it,
    /// whatever the connection string asked for.
    /// </summary>
    public static MongoClientSettings ClientSettings(MongoStoreOptions options)
    {
        var settings = MongoClientSettings.FromConnectionString(options.ConnectionString);
        settings.WriteConcern = WriteConcern.WMajority.With(journal: true);
        return settings;
    }

    internal IMongoCollection<BsonDocument> Calls => Database.GetCollection<BsonDocument>("calls");

    internal IMongoCollection<BsonDocument> Agents => Database.GetCollection<BsonDocument>("agents");

    internal IMongoCollection<BsonDocument> Metrics => Database.GetCollection<BsonDocument>("metrics");

    internal IMongoCollection<BsonDocument> ApiKeys => Database.GetCollection<BsonDocument>("api_keys");

    internal IMongoCollection<BsonDocument> Organizations => Database.GetCollection<BsonDocument>("organizations");

    internal IMongoCollection<BsonDocument> Projects => Database.GetCollection<BsonDocument>("projects");

    internal IMongoCollection<BsonDocument> WebhookDeliveries => Database.GetCollection<BsonDocument>("webhook_deliveries");

    internal IMongoCollection<BsonDocument> AgentSpans => Database.GetCollection<BsonDocument>("agent_spans");

    internal IMongoCollection<BsonDocument> AgentTraces => Database.GetCollection<BsonDocument>("agent_traces");

    private IMongoCollection<BsonDocument> Counters => Database.GetCollection<BsonDocument>("counters");

    /// <summary>Creates the indexes if this instance has not done so yet; a failed attempt is retried by the next call.</summary>
    public async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }
            await CreateIndexesAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>The next id of <paramref name="sequence"/> (1, 2, …); gaps appear when an insert then fails.</summary>
    internal async Task<long> NextIdAsync(string sequence, CancellationToken cancellationToken)
    {
        var update = Builders<BsonDocument>.Update.Inc("seq", 1L);
        var findOptions = new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var counter = await Counters.FindOneAndUpdateAsync(
                    Builders<BsonDocument>.Filter.Eq("_id", sequence), update, findOptions, cancellationToken);
                return counter["seq"].ToInt64();
            }
            catch (MongoCommandException e) when (e.Code == 11000 && attempt < 3)
            {
                // Two first-ever upserts of one counter race on _id; the loser retries and increments the winner's document.
            }
        }
    }

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        await Calls.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending("call_id"), new CreateIndexOptions { Unique = true, Name = "calls_project_call_id" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Descending("ts").Descending("_id"), new CreateIndexOptions { Name = "calls_project_ts" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("stage").Ascending("outbox_published_at").Ascending("stage_changed_at"),
                new CreateIndexOptions { Name = "calls_outbox" }),
            // Calls an outbox relay claimed, by the end of their lease or back-off (absent on every other call).
            new CreateIndexModel<BsonDocument>(keys.Ascending("relay_after"), new CreateIndexOptions { Name = "calls_relay", Sparse = true }),
            .. ListFilterIndexes(),
            // The orphaned-recording sweep asks which blob keys calls point to.
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("doc.recording.blob_key"), new CreateIndexOptions { Name = "calls_recording_key", Sparse = true }),
            // The relay's redelivery sweep: only calls with a redelivery pending carry the field.
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("doc.redeliver_at"), new CreateIndexOptions { Name = "calls_redeliver_at", Sparse = true }),
            // The calls a voice agent's late spans belong to (MongoCallStore.ListByTraceIdAsync).
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending("doc.trace_id"), new CreateIndexOptions { Name = "calls_project_trace_id" }),
        ], cancellationToken);
        await BackfillMetaAsync(cancellationToken);

        // Partial, so any number of agents without an assistant id (stored as null) may share a project.
        await Agents.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending("assistant_id"),
                new CreateIndexOptions<BsonDocument>
                {
                    Unique = true,
                    Name = "agents_project_assistant_id",
                    PartialFilterExpression = Builders<BsonDocument>.Filter.Type("assistant_id", "string"),
                }),
            cancellationToken: cancellationToken);

        // Resolves a webhook token; partial, so the agents without one (null) do not collide.
        await Agents.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("webhook_token_hash"),
                new CreateIndexOptions<BsonDocument>
                {
                    Unique = true,
                    Name = "agents_webhook_token_hash",
                    PartialFilterExpression = Builders<BsonDocument>.Filter.Type("webhook_token_hash", "string"),
                }),
            cancellationToken: cancellationToken);

        // Finds the agents that enable a metric (a multikey index over each agent's metric ids).
        await Agents.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending("doc.metric_ids"), new CreateIndexOptions { Name = "agents_project_metric_ids" }),
            cancellationToken: cancellationToken);
        await Metrics.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(keys.Ascending("project_id").Ascending("_id"), new CreateIndexOptions { Name = "metrics_project" }),
            cancellationToken: cancellationToken);

        await ApiKeys.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(keys.Ascending("hash"), new CreateIndexOptions { Unique = true, Name = "api_keys_hash" }),
            new CreateIndexModel<BsonDocument>(keys.Ascending("prefix"), new CreateIndexOptions { Name = "api_keys_prefix" }),
        ], cancellationToken);

        await WebhookDeliveries.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("delivery_key"), new CreateIndexOptions { Unique = true, Name = "webhook_deliveries_key" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("status").Ascending("next_attempt_at"), new CreateIndexOptions { Name = "webhook_deliveries_due" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending("call_log_id"), new CreateIndexOptions { Name = "webhook_deliveries_project" }),
        ], cancellationToken);

        // Unique per (project, trace, span), so a re-exported span replaces itself and a trace is one range of the index;
        // received_at serves the retention sweep.
        await AgentSpans.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending("trace_id").Ascending("span_id"),
                new CreateIndexOptions { Unique = true, Name = "agent_spans_key" }),
            new CreateIndexModel<BsonDocument>(keys.Ascending("received_at"), new CreateIndexOptions { Name = "agent_spans_received_at" }),
        ], cancellationToken);
        await AgentTraces.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending("trace_id"), new CreateIndexOptions { Unique = true, Name = "agent_traces_key" }),
            new CreateIndexModel<BsonDocument>(keys.Ascending("updated_at"), new CreateIndexOptions { Name = "agent_traces_updated_at" }),
            // The late-span sweep's: owed traces only, in the order they fell quiet (its own key pattern, since a
            // partial index may not repeat another index's keys before MongoDB 5).
            new CreateIndexModel<BsonDocument>(keys.Ascending("owed").Ascending("updated_at"), new CreateIndexOptions<BsonDocument>
            {
                Name = "agent_traces_owed",
                PartialFilterExpression = Builders<BsonDocument>.Filter.Eq("owed", true),
            }),
        ], cancellationToken);
    }

    /// <summary>
    /// One index per call-list filter, each <c>(project_id, field, ts)</c> like the SQLite store's, so "equal to X,
    /// newest first" is one index walk; metadata is the multikey index over the <c>meta</c> pairs.
    /// </summary>
    private static IEnumerable<CreateIndexModel<BsonDocument>> ListFilterIndexes()
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        var fields = new[]
        {
            FilterField.AgentId, FilterField.Success, FilterField.Status, FilterField.Duration, FilterField.CustomerNumber,
            FilterField.CallEndedReason, FilterField.Topic, FilterField.DropoffPoint, FilterField.IsReviewed,
        };
        foreach (var field in fields)
        {
            var path = MongoCallFilter.Path(field);
            yield return new CreateIndexModel<BsonDocument>(
                keys.Ascending("project_id").Ascending(path).Descending("ts"),
                new CreateIndexOptions { Name = $"calls_project_{path.Replace("doc.", "", StringComparison.Ordinal)}_ts" });
        }
        yield return new CreateIndexModel<BsonDocument>(
            keys.Ascending("project_id").Ascending("meta.k").Ascending("meta.v"), new CreateIndexOptions { Name = "calls_project_meta" });
    }

    /// <summary>
    /// Calls stored before the <c>meta</c> pairs existed get them once (a marker in <c>counters</c> records that),
    /// computed by the server from <c>doc.metadata</c> the way <see cref="MongoCallFilter.MetaEntries"/> does.
    /// </summary>
    private async Task BackfillMetaAsync(CancellationToken cancellationToken)
    {
        const string marker = "migration:calls_meta";
        if (await Counters.Find(Builders<BsonDocument>.Filter.Eq("_id", marker)).AnyAsync(cancellationToken))
        {
            return;
        }
        var pairs = new BsonDocument("$map", new BsonDocument
        {
            { "input", new BsonDocument("$objectToArray", new BsonDocument("$ifNull", new BsonArray { "$doc.metadata", new BsonDocument() })) },
            {
                "in", new BsonDocument
                {
                    { "k", "$$this.k" },
                    {
                        "v", new BsonDocument("$cond", new BsonArray
                        {
                            new BsonDocument("$in", new BsonArray { new BsonDocument("$type", "$$this.v"), new BsonArray { "object", "array" } }),
                            new BsonDocument("$literal", new BsonDocument()),
                            "$$this.v",
                        })
                    },
                }
            },
        });
        var pipeline = new EmptyPipelineDefinition<BsonDocument>().AppendStage<BsonDocument, BsonDocument, BsonDocument>(
            new BsonDocument("$set", new BsonDocument("meta", pairs)));
        await Calls.UpdateManyAsync(Builders<BsonDocument>.Filter.Exists("meta", false), Builders<BsonDocument>.Update.Pipeline(pipeline),
            cancellationToken: cancellationToken);
        await Counters.ReplaceOneAsync(Builders<BsonDocument>.Filter.Eq("_id", marker), new BsonDocument("_id", marker),
            new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    internal static bool IsDuplicateKey(MongoWriteException e) => e.WriteError?.Category == ServerErrorCategory.DuplicateKey;

    public void Dispose()
    {
        _client.Dispose();
        _initLock.Dispose();
    }
}
