using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Mongo;
using Cekura.TestSupport;

namespace Cekura.Storage.Tests.Mongo;

/// <summary>The metric store contract against a real MongoDB; each test gets its own database, dropped afterwards.</summary>
[Collection(MongoFixture.Collection)]
public sealed class MongoMetricStoreTests(MongoFixture mongo) : MetricStoreContract
{
    private MongoStoreOptions? _options;
    private MongoStoreContext? _context;

    protected override Task<(IMetricStore Metrics, IAgentStore Agents)> OpenStoresAsync()
    {
        mongo.SkipIfUnavailable();
        _options = mongo.NewStoreOptions();
        _context = new MongoStoreContext(_options);
        return Task.FromResult<(IMetricStore, IAgentStore)>((new MongoMetricStore(_context), new MongoAgentStore(_context)));
    }

    protected override async Task CloseStoresAsync()
    {
        _context?.Dispose();
        if (_options is not null)
        {
            await mongo.DropDatabaseAsync(_options.Database);
        }
    }
}
