using Cekura.Hosting.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace Cekura.TestSupport;

/// <summary>
/// A MongoDB server: Testcontainers, else <c>MONGODB_URI</c>. Tests share the server, not data: each takes a
/// fresh database from <see cref="NewStoreOptions"/> and drops it with <see cref="DropDatabaseAsync"/>.
/// </summary>
public sealed class MongoFixture : ServerFixture
{
    public const string Collection = "MongoDB";

    protected override string Name => "mongodb";

    private MongoDbContainer? _container;

    public string ConnectionString { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        string? dockerError = null;
        if (DockerAvailable)
        {
            try
            {
                _container = new MongoDbBuilder("mongo:7.0").Build();
                await _container.StartAsync();
                ConnectionString = _container.GetConnectionString();
                return;
            }
            catch (Exception e)
            {
                dockerError = $" (Testcontainers failed: {e.GetType().Name}: {e.Message})";
                await DisposeAsync();
            }
        }

        if (Environment("MONGODB_URI") is { } uri)
        {
            if (await PingAsync(uri) is { } error)
            {
                SkipReason = $"MongoDB unavailable: needs the server at MONGODB_URI but ping failed: {error}{dockerError}";
                return;
            }
            ConnectionString = uri;
            return;
        }
        SkipReason = $"MongoDB unavailable: needs Docker for Testcontainers or MONGODB_URI, and neither is set up{dockerError}";
    }

    /// <summary>Store options pointing at a new, randomly named database.</summary>
    public MongoStoreOptions NewStoreOptions() =>
        new() { ConnectionString = ConnectionString, Database = $"cekura_test_{Guid.NewGuid():N}" };

    public async Task DropDatabaseAsync(string database)
    {
        using var client = new MongoClient(ConnectionString);
        await client.DropDatabaseAsync(database);
    }

    public override async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
            _container = null;
        }
    }

    private static async Task<string?> PingAsync(string uri)
    {
        try
        {
            var settings = MongoClientSettings.FromConnectionString(uri);
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(3);
            using var client = new MongoClient(settings);
            await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
            return null;
        }
        catch (Exception e)
        {
            // The driver's timeout message describes the whole cluster state; its first sentence is enough.
            var message = e.Message.Length > 160 ? e.Message[..160] + "…" : e.Message;
            return $"{e.GetType().Name}: {message}";
        }
    }
}
