using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Mongo;
using Cekura.TestSupport;

namespace Cekura.Storage.Tests.Mongo;

[Collection(MongoFixture.Collection)]
public sealed class MongoRecordingReferencesTests(MongoFixture mongo) : RecordingReferencesContract
{
    private MongoStoreOptions? _options;
    private MongoStoreContext? _context;

    protected override Task<(ICallStore Calls, IRecordingReferences References)> OpenStoresAsync()
    {
        mongo.SkipIfUnavailable();
        _options = mongo.NewStoreOptions();
        _context = new MongoStoreContext(_options);
        return Task.FromResult<(ICallStore, IRecordingReferences)>((new MongoCallStore(_context), new MongoRecordingReferences(_context)));
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
