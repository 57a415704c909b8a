using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Mongo;
using Cekura.TestSupport;

namespace Cekura.Storage.Tests.Mongo;

/// <summary>The span store contract against a real MongoDB; each test gets its own database, dropped afterwards.</summary>
[Collection(MongoFixture.Collection)]
public sealed class MongoAgentTraceStoreTests(MongoFixture mongo) : AgentTraceStoreContract
{
    private MongoStoreOptions? _options;
    private MongoStoreContext? _context;

    protected override Task<IAgentTraceStore> OpenStoreAsync(AgentTraceLimits limits)
    {
        mongo.SkipIfUnavailable();
        _options = mongo.NewStoreOptions();
        _context = new MongoStoreContext(_options);
        return Task.FromResult<IAgentTraceStore>(new MongoAgentTraceStore(_context, limits));
    }

    protected override async Task CloseStoreAsync()
    {
        _context?.Dispose();
        if (_options is not null)
        {
            await mongo.DropDatabaseAsync(_options.Database);
        }
    }
}
