using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Mongo;
using Cekura.TestSupport;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Storage.Tests.Mongo;

/// <summary>The store contract against a real MongoDB; each test gets its own database, dropped afterwards.</summary>
[Collection(MongoFixture.Collection)]
public sealed class MongoStoreTests(MongoFixture mongo) : StoreContract
{
    private MongoStoreOptions? _options;
    private MongoStoreContext? _context;

    protected override Task<(ICallStore Calls, IAgentStore Agents, IApiKeyStore Keys)> OpenStoresAsync()
    {
        mongo.SkipIfUnavailable();
        _options = mongo.NewStoreOptions();
        _context = new MongoStoreContext(_options);
        return Task.FromResult<(ICallStore, IAgentStore, IApiKeyStore)>(
            (new MongoCallStore(_context), new MongoAgentStore(_context), new MongoApiKeyStore(_context)));
    }

    private MongoStoreContext? _secondContext;

    protected override ICallOutbox OpenSecondOutbox() => new MongoCallStore(_secondContext = new MongoStoreContext(_options!));

    protected override async Task CloseStoresAsync()
    {
        _secondContext?.Dispose();
        _context?.Dispose();
        if (_options is not null)
        {
            await mongo.DropDatabaseAsync(_options.Database);
        }
    }

    [SkippableFact]
    public async Task Indexes_include_the_partial_unique_assistant_id_index()
    {
        await _context!.EnsureInitializedAsync(Ct);

        using var cursor = await _context.Agents.Indexes.ListAsync(Ct);
        var indexes = await IAsyncCursorExtensions.ToListAsync(cursor, Ct);

        var index = Assert.Single(indexes, i => i["name"] == "agents_project_assistant_id");
        Assert.True(index["unique"].AsBoolean);
        Assert.Equal("string", index["partialFilterExpression"]["assistant_id"]["$type"].ToString());
    }

    [SkippableFact]
    public async Task Two_contexts_on_one_database_insert_concurrently_with_distinct_ids()
    {
        using var other = new MongoStoreContext(_options!);
        var stores = new[] { new MongoCallStore(_context!), new MongoCallStore(other) };

        var inserted = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            stores[i % 2].InsertAsync(SampleData.MinimalCall(callId: $"c{i}"), Ct)));

        Assert.Equal(40, inserted.Select(c => c.Id).Distinct().Count());
        Assert.Equal(40, (await Calls.ListAsync(AllOf(1), Ct)).Count);
    }

    [SkippableFact]
    public async Task Every_list_filter_has_an_index_that_leads_with_the_project()
    {
        await _context!.EnsureInitializedAsync(Ct);

        using var cursor = await _context.Calls.Indexes.ListAsync(Ct);
        var keys = (await IAsyncCursorExtensions.ToListAsync(cursor, Ct)).Select(i => i["key"].AsBsonDocument.Names.ToList()).ToList();

        foreach (var field in new[]
                 {
                     "agent_id", "doc.success", "doc.status", "doc.duration_seconds", "doc.customer_number", "doc.call_ended_reason",
                     "doc.topic", "doc.dropoff_point", "doc.is_reviewed",
                 })
        {
            Assert.Contains(keys, k => k.SequenceEqual(["project_id", field, "ts"]));
        }
        Assert.Contains(keys, k => k.SequenceEqual(["project_id", "meta.k", "meta.v"]));
        Assert.Contains(keys, k => k.SequenceEqual(["project_id", "ts", "_id"]));
    }

    [SkippableFact]
    public async Task Calls_stored_before_the_meta_pairs_get_them_when_the_store_starts()
    {
        var old = SampleData.MinimalCall(callId: "old") with { Id = 41, Version = 1, Metadata = SampleData.Json("""{"tier": "gold", "nested": {"a": 1}}""") };
        await _context!.Calls.InsertOneAsync(new BsonDocument
        {
            { "_id", old.Id }, { "project_id", old.ProjectId }, { "call_id", old.CallId }, { "agent_id", old.AgentId },
            { "ts", old.Timestamp.ToUnixTimeMilliseconds() }, { "stage", "received" }, { "stage_changed_at", old.Timestamp.ToUnixTimeMilliseconds() },
            { "outbox_published_at", BsonNull.Value }, { "version", 1 }, { "doc", MongoDocuments.ToBson(old) },
        }, cancellationToken: Ct);

        var gold = new FilterCondition(FilterField.Metadata, "tier", FilterOp.Eq, [new FilterValue.Text("gold")]);
        var nested = new FilterCondition(FilterField.Metadata, "nested", FilterOp.IsNull, [new FilterValue.Bool(false)]);

        Assert.Equal([41L], (await Calls.ListAsync(AllOf(1) with { Filter = gold }, Ct)).Items.Select(c => c.Id));
        Assert.Equal([41L], (await Calls.ListAsync(AllOf(1) with { Filter = nested }, Ct)).Items.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task The_stores_collections_write_with_majority_and_journal_and_the_server_accepts_it()
    {
        var durable = WriteConcern.WMajority.With(journal: true);
        Assert.All(new[] { _context!.Calls, _context.Agents, _context.ApiKeys, _context.WebhookDeliveries },
            collection => Assert.Equal(durable, collection.Settings.WriteConcern));

        // A standalone server or a replica set both acknowledge such a write (journaling is on by default).
        var stored = await Calls.InsertAsync(SampleData.MinimalCall(callId: "durable-1"), Ct);
        Assert.Equal("durable-1", (await Calls.GetAsync(stored.ProjectId, stored.Id, Ct))!.CallId);
    }
}
