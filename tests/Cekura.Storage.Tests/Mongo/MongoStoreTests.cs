using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Mongo;
using Cekura.TestSupport;
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

    protected override async Task CloseStoresAsync()
    {
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
    public async Task The_stores_collections_write_with_majority_and_journal_and_the_server_accepts_it()
    {
        var durable = WriteConcern.WMajority.With(journal: true);
        Assert.All(new[] { _context!.Calls, _context.Agents, _context.ApiKeys, _context.WebhookDeliveries },
            collection => Assert.Equal(durable, collection.Settings.WriteConcern));

        // A standalone server or a replica set both acknowledge such a write (journaling is on by default).
        var stored = await Calls.InsertAsync(SampleData.MinimalCall(callId: "durable-1"), Ct);
        Assert.Equal("durable-1", (await Calls.GetAsync(stored.Id, Ct))!.CallId);
    }
}
