using Cekura.Hosting.Options;
using Cekura.Hosting.Storage.Mongo;
using MongoDB.Driver;

namespace Cekura.Storage.Tests.Mongo;

/// <summary>
/// A 201 means the call is durable: every write of the Mongo stores waits for a majority of the replica set and the
/// journal, whatever the connection string asks for. Checked on the settings, without a server.
/// </summary>
public sealed class MongoWriteConcernTests
{
    private static readonly WriteConcern Durable = WriteConcern.WMajority.With(journal: true);

    [Theory]
    [InlineData("mongodb://127.0.0.1:1")]
    [InlineData("mongodb://127.0.0.1:1/?w=1&journal=false")]
    [InlineData("mongodb://127.0.0.1:1/?w=0")]
    public void Every_collection_the_stores_use_writes_with_majority_and_journal(string connectionString)
    {
        using var context = new MongoStoreContext(new MongoStoreOptions { ConnectionString = connectionString, Database = "cekura_settings" });

        Assert.Equal(Durable, context.Database.Settings.WriteConcern);
        // The data keys live in a database of their own on the same client.
        Assert.Equal(Durable, context.Database.Client.Settings.WriteConcern);
        foreach (var collection in new[]
                 {
                     context.Calls, context.Agents, context.Metrics, context.ApiKeys, context.Organizations, context.Projects,
                     context.WebhookDeliveries,
                 })
        {
            Assert.Equal(Durable, collection.Settings.WriteConcern);
        }
    }

    [Fact]
    public void The_client_settings_keep_the_connection_string_and_override_only_the_write_concern()
    {
        var settings = MongoStoreContext.ClientSettings(new MongoStoreOptions
        {
            ConnectionString = "mongodb://db1.example:27018,db2.example:27019/?replicaSet=rs0&w=1&journal=false&connectTimeoutMS=1500",
        });

        Assert.Equal(Durable, settings.WriteConcern);
        Assert.Equal("rs0", settings.ReplicaSetName);
        Assert.Equal(["db1.example:27018", "db2.example:27019"], settings.Servers.Select(s => $"{s.Host}:{s.Port}"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.ConnectTimeout);
    }
}
