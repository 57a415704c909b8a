using System.ComponentModel.DataAnnotations;

namespace Cekura.Hosting.Options;

public enum CallStoreKind
{
    Sqlite,
    Mongo,
}

public enum BlobStoreKind
{
    Local,
    S3,
}

/// <summary>
/// Where CallLogs and recordings live.
/// <code>
/// "Storage": { "DataDirectory": "./data", "CallStore": "Sqlite", "Blobs": "Local",
///              "Sqlite": { "Path": "", "KeysPath": "", // defaults: {DataDirectory}/cekura.db, {DataDirectory}/cekura-keys.db
///                          "MaxBatch": 128, "QueueCapacity": 4096, "BusyTimeoutSeconds": 30 },
///              "Mongo": { "ConnectionString": "mongodb://localhost:27017", "Database": "cekura" },
///              "Local": { "Path": "" },             // default: {DataDirectory}/recordings
///              "S3": { "Endpoint": "localhost:9000", "AccessKey": "", "SecretKey": "", "Bucket": "cekura-recordings", "UseSsl": false } }
/// </code>
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public string DataDirectory { get; set; } = "./data";
    public CallStoreKind CallStore { get; set; } = CallStoreKind.Sqlite;
    public BlobStoreKind Blobs { get; set; } = BlobStoreKind.Local;
    public SqliteStoreOptions Sqlite { get; set; } = new();
    public MongoStoreOptions Mongo { get; set; } = new();
    public LocalBlobOptions Local { get; set; } = new();
    public S3BlobOptions S3 { get; set; } = new();

    public string SqlitePath => string.IsNullOrWhiteSpace(Sqlite.Path)
        ? Path.GetFullPath(Path.Combine(DataDirectory, "cekura.db"))
        : Path.GetFullPath(Sqlite.Path);

    /// <summary>The per-call data keys (SQLite call store), in a file of their own: see <c>SqliteDataKeyStore</c>.</summary>
    public string SqliteKeysPath => string.IsNullOrWhiteSpace(Sqlite.KeysPath)
        ? Path.GetFullPath(Path.Combine(DataDirectory, "cekura-keys.db"))
        : Path.GetFullPath(Sqlite.KeysPath);

    public string LocalBlobPath => string.IsNullOrWhiteSpace(Local.Path)
        ? Path.GetFullPath(Path.Combine(DataDirectory, "recordings"))
        : Path.GetFullPath(Local.Path);
}

public sealed class SqliteStoreOptions
{
    public string Path { get; set; } = "";
    public string KeysPath { get; set; } = "";

    /// <summary>Most call-path writes committed in one transaction (one fsync); 1 commits each write alone.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = Storage.Sqlite.SqliteDatabase.DefaultMaxBatch;

    /// <summary>Most writes waiting for the writer; a request beyond it waits for room.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = Storage.Sqlite.SqliteDatabase.DefaultQueueCapacity;

    /// <summary>
    /// How long a write waits while another process holds the file's write lock; then the request gets a 503 with
    /// Retry-After and nothing of it is stored.
    /// </summary>
    [Range(1, 600)]
    public int BusyTimeoutSeconds { get; set; } = Storage.Sqlite.SqliteDatabase.DefaultBusyTimeoutSeconds;
}

public sealed class MongoStoreOptions
{
    public string ConnectionString { get; set; } = "mongodb://localhost:27017";
    public string Database { get; set; } = "cekura";
}

public sealed class LocalBlobOptions
{
    public string Path { get; set; } = "";
}

public sealed class S3BlobOptions
{
    public string Endpoint { get; set; } = "localhost:9000";
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    public string Bucket { get; set; } = "cekura-recordings";
    public bool UseSsl { get; set; }
}
