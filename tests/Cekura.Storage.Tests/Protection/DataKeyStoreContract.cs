using Cekura.Hosting.Options;
using Cekura.Hosting.Storage.Mongo;
using Cekura.Hosting.Storage.Protection;
using Cekura.TestSupport;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Protection;

/// <summary>What every data-key store promises, run against SQLite and MongoDB.</summary>
public abstract class DataKeyStoreContract : IAsyncLifetime
{
    protected IDataKeyStore Keys { get; private set; } = null!;

    protected abstract Task<IDataKeyStore> OpenAsync();

    protected abstract Task CloseAsync();

    public async Task InitializeAsync() => Keys = await OpenAsync();

    public Task DisposeAsync() => CloseAsync();

    [SkippableFact]
    public async Task A_created_key_is_32_random_bytes_until_destroyed()
    {
        var first = await Keys.CreateAsync(CancellationToken.None);
        var second = await Keys.CreateAsync(CancellationToken.None);

        var key = await Keys.GetAsync(first, CancellationToken.None);
        Assert.Equal(32, key!.Length);
        Assert.NotEqual(key, await Keys.GetAsync(second, CancellationToken.None));

        await Keys.DestroyAsync(first, CancellationToken.None);
        await Keys.DestroyAsync(first, CancellationToken.None); // idempotent

        Assert.Null(await Keys.GetAsync(first, CancellationToken.None));
        Assert.NotNull(await Keys.GetAsync(second, CancellationToken.None));
        Assert.Null(await Keys.GetAsync("never-made", CancellationToken.None));
    }
}

public sealed class SqliteDataKeyStoreTests : DataKeyStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cekura-keys-").FullName;

    protected override Task<IDataKeyStore> OpenAsync() =>
        Task.FromResult<IDataKeyStore>(new SqliteDataKeyStore(Path.Combine(_directory, "keys.db")));

    protected override Task CloseAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(MongoFixture.Collection)]
public sealed class MongoDataKeyStoreTests(MongoFixture mongo) : DataKeyStoreContract
{
    private MongoStoreOptions? _options;
    private MongoStoreContext? _context;

    protected override Task<IDataKeyStore> OpenAsync()
    {
        mongo.SkipIfUnavailable();
        _options = mongo.NewStoreOptions();
        _context = new MongoStoreContext(_options);
        return Task.FromResult<IDataKeyStore>(new MongoDataKeyStore(_context));
    }

    protected override async Task CloseAsync()
    {
        _context?.Dispose();
        if (_options is not null)
        {
            await mongo.DropDatabaseAsync(_options.Database);
            await mongo.DropDatabaseAsync(_options.Database + "_keys");
        }
    }
}
