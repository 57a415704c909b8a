using System.ComponentModel.DataAnnotations;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage.Blobs;
using Cekura.Hosting.Storage.Mongo;
using Cekura.Hosting.Storage.Protection;
using Cekura.Hosting.Storage.Sqlite;
using Cekura.Hosting.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Chooses the stores (calls, agents, keys, tenancy, webhook outbox) and the blob store from <see cref="StorageOptions"/>;
    /// services never construct adapters.
    /// </summary>
    public static IHostApplicationBuilder AddCekuraStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => Validator.TryValidateObject(o.Sqlite, new ValidationContext(o.Sqlite), null, validateAllProperties: true),
                "Storage:Sqlite: MaxBatch must be 1-100000, QueueCapacity 1-10000000 and BusyTimeoutSeconds 1-600.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        // A voice agent's own spans: the caps the trace store applies, the receiver's body limit, retention.
        builder.Services.AddOptions<TracesOptions>().BindConfiguration(TracesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var services = builder.Services;

        switch (options.CallStore)
        {
            case CallStoreKind.Mongo:
                services.AddSingleton(_ => new MongoStoreContext(options.Mongo));
                services.AddSingleton<MongoCallStore>();
                services.AddSingleton<ICallOutbox>(sp => sp.GetRequiredService<MongoCallStore>());
                services.AddSingleton<IDataKeyStore, MongoDataKeyStore>();
                services.AddSingleton<ICallStore>(sp => new SealingCallStore(sp.GetRequiredService<MongoCallStore>(), sp.GetRequiredService<IDataKeyStore>()));
                services.AddSingleton<IAgentStore, MongoAgentStore>();
                services.AddSingleton<IMetricStore, MongoMetricStore>();
                services.AddSingleton<IApiKeyStore, MongoApiKeyStore>();
                services.AddSingleton<ITenancyStore, MongoTenancyStore>();
                services.AddSingleton<IWebhookOutbox, MongoWebhookOutbox>();
                services.AddSingleton<IRecordingReferences, MongoRecordingReferences>();
                services.AddSingleton<IAgentTraceStore>(sp =>
                    new MongoAgentTraceStore(sp.GetRequiredService<MongoStoreContext>(), sp.GetRequiredService<IOptions<TracesOptions>>().Value.Limits));
                break;
            default:
                // The container disposes both at shutdown, which commits the writes still queued.
                services.AddSingleton(_ => new SqliteDatabase(
                    options.SqlitePath, options.Sqlite.MaxBatch, options.Sqlite.QueueCapacity, options.Sqlite.BusyTimeoutSeconds));
                services.AddSingleton<SqliteCallStore>();
                services.AddSingleton<ICallOutbox>(sp => sp.GetRequiredService<SqliteCallStore>());
                services.AddSingleton<IDataKeyStore>(_ =>
                    new SqliteDataKeyStore(options.SqliteKeysPath, options.Sqlite.MaxBatch, options.Sqlite.QueueCapacity));
                services.AddSingleton<ICallStore>(sp => new SealingCallStore(sp.GetRequiredService<SqliteCallStore>(), sp.GetRequiredService<IDataKeyStore>()));
                services.AddSingleton<IAgentStore, SqliteAgentStore>();
                services.AddSingleton<IMetricStore, SqliteMetricStore>();
                services.AddSingleton<IApiKeyStore, SqliteApiKeyStore>();
                services.AddSingleton<ITenancyStore, SqliteTenancyStore>();
                services.AddSingleton<IWebhookOutbox, SqliteWebhookOutbox>();
                services.AddSingleton<IRecordingReferences, SqliteRecordingReferences>();
                services.AddSingleton<IAgentTraceStore>(sp =>
                    new SqliteAgentTraceStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<IOptions<TracesOptions>>().Value.Limits));
                break;
        }

        if (options.Blobs == BlobStoreKind.S3)
        {
            services.AddSingleton(_ => new S3BlobStore(options.S3));
            services.AddSingleton<IBlobStore>(sp => new SealingBlobStore(sp.GetRequiredService<S3BlobStore>(), sp.GetRequiredService<IDataKeyStore>()));
            services.AddHostedService<S3BucketCreator>();
        }
        else
        {
            services.AddSingleton<IBlobStore>(sp => new SealingBlobStore(new LocalBlobStore(options.LocalBlobPath), sp.GetRequiredService<IDataKeyStore>()));
        }

        services.AddSingleton<CallLogWriter>();
        services.AddSingleton<TimedPublisher>();
        services.AddSingleton<PublishConfirmations>();
        services.AddHostedService(sp => sp.GetRequiredService<PublishConfirmations>());
        services.AddScoped<CallEventPublisher>();
        services.AddScoped<CallStageRunner>();
        services.AddCekuraMetrics();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return builder;
    }
}
