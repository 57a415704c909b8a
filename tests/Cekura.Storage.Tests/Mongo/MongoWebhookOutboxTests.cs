using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Mongo;
using Cekura.TestSupport;

namespace Cekura.Storage.Tests.Mongo;

[Collection(MongoFixture.Collection)]
public sealed class MongoWebhookOutboxTests(MongoFixture mongo) : WebhookOutboxContract
{
    private MongoStoreOptions? _options;
    private MongoStoreContext? _context;

    protected override Task<IWebhookOutbox> OpenStoreAsync()
    {
        mongo.SkipIfUnavailable();
        _options = mongo.NewStoreOptions();
        _context = new MongoStoreContext(_options);
        return Task.FromResult<IWebhookOutbox>(new MongoWebhookOutbox(_context));
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
