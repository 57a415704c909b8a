using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Net;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Cekura.Ingest.Agents;
using Cekura.Ingest.Api;
using Cekura.Hosting.Calls.Views;
using Cekura.Ingest.CallLogs;
using Cekura.Ingest.Metrics;
using Cekura.Ingest.Observe;
using Cekura.Ingest.Providers;
using Cekura.Ingest.Recordings;
using Cekura.Ingest.Retention;
using Cekura.Ingest.Traces;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Webhooks;
using Microsoft.AspNetCore.Http.Features;
using Cekura.Speech.Audio;
using Cekura.Speech.Threading;
using Cekura.Speech.SpeechToText;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest;

public static class IngestModule
{
    /// <summary>Largest accepted request (recordings are uploaded in it).</summary>
    public const long MaxRequestBytes = 512L * 1024 * 1024;

    /// <summary>Send Calls, call-log reads, agents, metrics, the outbox relay and the public OpenAPI document.</summary>
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        GatewayTrustOptions.RequireWhenSplit(builder.Configuration);
        builder.ConfigureCekuraBus();
        builder.Services.AddCallOutbox();
        AddTranscriptProviders(builder.Services);
        builder.Services.AddSingleton(sp => new SendCallValidator(
            sp.GetRequiredService<TranscriptParsers>(), sp.GetRequiredService<IOptions<SpeechToTextOptions>>().Value));
        builder.Services.TryAddSingleton<CallLogViews>();
        builder.Services.AddScoped<CallLogDeleter>();
        AddSweeps(builder.Services);
        AddTraces(builder.Services);
        builder.Services.AddScoped<CallIngestor>();
        builder.Services.AddScoped<SendCallHandler>();
        builder.Services.AddOptions<RecordingFetchOptions>().BindConfiguration(RecordingFetchOptions.Section).ValidateDataAnnotations()
            .Validate(o => OutboundAddressPolicy.AllowListErrors(o.AllowedPrivateHosts).Count == 0,
                "RecordingFetch:AllowedPrivateHosts holds an entry that is not a host name, an IP address or a CIDR range.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new SafeRecordingFetcher(sp.GetRequiredService<IOptions<RecordingFetchOptions>>()));
        builder.Services.AddScoped<WebhookRecordings>();
        builder.Services.AddScoped<WebhookReceiver>();
        AddRecordingChecks(builder.Services);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxRequestBytes);
        // Behind a separate gateway, which applies the per-route limits (JSON vs Send Calls uploads) in front of it,
        // ingest's own ceiling. With the gateway in this process its middleware sets the limit of each request.
        var cekura = CekuraOptions.From(builder.Configuration);
        if (!cekura.Runs("gateway"))
        {
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBytes);
        }
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<CekuraDocumentTransformer>());
        return builder;
    }

    /// <summary>Each provider's transcript parser and native webhook, from the one list in <see cref="TranscriptProviders"/>.</summary>
    private static void AddTranscriptProviders(IServiceCollection services)
    {
        foreach (var provider in TranscriptProviders.All)
        {
            services.AddSingleton(provider.Parser);
            if (provider.Webhook is { } webhook)
            {
                services.AddSingleton(webhook);
            }
        }
        services.AddSingleton<TranscriptParsers>();
    }

    /// <summary>The background deletions: calls past their retention, recordings no call points to.</summary>
    private static void AddSweeps(IServiceCollection services)
    {
        // "Retention": {"DefaultDays": null, "SweepIntervalMinutes": 60, "BatchSize": 100}
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallRetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<CallRetentionSweeper>());
        // "OrphanRecordings": {"SweepIntervalMinutes": 60, "GraceMinutes": 1440}
        services.AddOptions<OrphanRecordingOptions>().BindConfiguration(OrphanRecordingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OrphanRecordingSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<OrphanRecordingSweeper>());
    }

    /// <summary>The OTLP receiver's helpers: late spans re-evaluate their calls; old spans are swept.</summary>
    private static void AddTraces(IServiceCollection services)
    {
        services.AddSingleton<LateSpanReevaluation>();
        services.AddHostedService(sp => sp.GetRequiredService<LateSpanReevaluation>());
        services.AddSingleton<TraceRetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<TraceRetentionSweeper>());
    }

    /// <summary>ffprobe/ffmpeg, the recording limits, and whether a speech-to-text backend exists (for none-mono).</summary>
    private static void AddRecordingChecks(IServiceCollection services)
    {
        // "Audio": {"FfmpegPath": "ffmpeg", "FfprobePath": "ffprobe", "TimeoutSeconds": 120}
        services.AddOptions<FfmpegOptions>().BindConfiguration(FfmpegOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new Ffmpeg(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        // "RecordingCheck": {"MaxDurationSeconds": 14400}
        services.AddOptions<RecordingCheckOptions>().BindConfiguration(RecordingCheckOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // "SpeechToText": {"Provider": "OpenAI", "BaseUrl": "...", "ApiKey": "...", "Model": "..."}
        services.AddOptions<SpeechToTextOptions>().BindConfiguration(SpeechToTextOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RecordingVerifier>();
        // Shared with the transcription stage's analyses when it runs in this process (ForegroundFilter marks requests).
        services.TryAddSingleton<ForegroundActivity>();
        services.AddHostedService<AudioToolsCheck>();
    }

    public static WebApplication MapIngest(this WebApplication app)
    {
        app.MapOpenApi();
        var api = app.MapGroup("").AddEndpointFilter<ForegroundFilter>().AddEndpointFilter<TenantFilter>().AddEndpointFilter<StoreBusyFilter>();
        api.MapObserveApi();
        api.MapWebhookApi();
        api.MapCallLogsApi();
        api.MapCallEvaluationApi();
        api.MapCallLogChangesApi();
        api.MapAgentsApi();
        api.MapAgentWebhookTokenApi();
        api.MapMetricsApi();
        api.MapTraceReceiverApi();
        api.MapCallTraceApi();
        return app;
    }
}
