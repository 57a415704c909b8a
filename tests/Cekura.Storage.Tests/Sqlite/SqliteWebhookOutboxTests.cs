using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteWebhookOutboxTests : WebhookOutboxContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-webhooks-{Guid.NewGuid():N}.db");

    protected override Task<IWebhookOutbox> OpenStoreAsync() => Task.FromResult<IWebhookOutbox>(new SqliteWebhookOutbox(new SqliteDatabase(_path)));

    protected override Task CloseStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return Task.CompletedTask;
    }
}
