using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Net;
using Cekura.Ingest.Agents;
using Cekura.Ingest.Api;
using Cekura.Hosting.Calls.Views;
using Cekura.Ingest.CallLogs;
using Cekura.Ingest.Metrics;
using Cekura.Ingest.Observe;
using Cekura.Ingest.Recordings;
using Cekura.Ingest.Retention;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Transcripts.Cekura;
using Cekura.Ingest.Transcripts.Deepgram;
using Cekura.Ingest.Transcripts.ElevenLabs;
using Cekura.Ingest.Transcripts.LiveKit;
using Cekura.Ingest.Transcripts.Pipecat;
using Cekura.Ingest.Transcripts.Retell;
using Cekura.Ingest.Transcripts.Vapi;
using Cekura.Ingest.Webhooks;
using Microsoft.AspNetCore.Http.Features;
using Cekura.Speech.Audio;
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
        builder.ConfigureCekuraBus();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddSingleton<ITranscriptParser, CekuraTranscriptParser>();
        builder.Services.AddSingleton<ITranscriptParser, VapiTranscriptParser>();
        builder.Services.AddSingleton<ITranscriptParser, RetellTranscriptParser>();
        builder.Services.AddSingleton<ITranscriptParser, ElevenLabsTranscriptParser>();
        builder.Services.AddSingleton<ITranscriptParser, LiveKitTranscriptParser>();
        builder.Services.AddSingleton<ITranscriptParser, PipecatTranscriptParser>();
        builder.Services.AddSingleton<ITranscriptParser, DeepgramTranscriptParser>();
        builder.Services.AddSingleton<TranscriptParsers>();
        builder.Services.AddSingleton(sp => new SendCallValidator(
            sp.GetRequiredService<TranscriptParsers>(), sp.GetRequiredService<IOptions<SpeechToTextOptions>>().Value));
        builder.Services.TryAddSingleton<CallLogViews>();
        builder.Services.AddScoped<CallLogDeleter>();
        AddSweeps(builder.Services);
        builder.Services.AddScoped<CallIngestor>();
        builder.Services.AddScoped<SendCallHandler>();
        builder.Services.AddOptions<RecordingFetchOptions>().BindConfiguration(RecordingFetchOptions.Section).ValidateDataAnnotations()
            .Validate(o => OutboundAddressPolicy.AllowListErrors(o.AllowedPrivateHosts).Count == 0,
                "RecordingFetch:AllowedPrivateHosts holds an entry that is not a host name, an IP address or a CIDR range.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new SafeRecordingFetcher(sp.GetRequiredService<IOptions<RecordingFetchOptions>>()));
        builder.Services.AddScoped<WebhookRecordings>();
        AddRecordingChecks(builder.Services);
        builder.Services.AddSingleton<IProviderWebhook, VapiWebhook>();
        builder.Services.AddSingleton<IProviderWebhook, RetellWebhook>();
        builder.Services.AddSingleton<IProviderWebhook, ElevenLabsWebhook>();
        builder.Services.AddSingleton<IProviderWebhook>(EnvelopeWebhook.LiveKit());
        builder.Services.AddSingleton<IProviderWebhook>(EnvelopeWebhook.Pipecat());
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxRequestBytes);
        // Ingest's own ceiling; the gateway applies the per-kind limits (JSON vs uploads) in front of it.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Math.Max(MaxRequestBytes, k.Limits.MaxRequestBodySize ?? 0));
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<CekuraDocumentTransformer>());
        return builder;
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
        services.AddHostedService<AudioToolsCheck>();
    }

    public static WebApplication MapIngest(this WebApplication app)
    {
        app.MapOpenApi();
        var api = app.MapGroup("").AddEndpointFilter<TenantFilter>();
        api.MapObserveApi();
        api.MapWebhookApi();
        api.MapCallLogsApi();
        api.MapCallEvaluationApi();
        api.MapCallLogChangesApi();
        api.MapAgentsApi();
        api.MapMetricsApi();
        return app;
    }
}
