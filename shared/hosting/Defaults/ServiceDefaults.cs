using System.Text.Json;
using Cekura.Contracts;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using Cekura.Hosting.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MassTransit.Monitoring;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cekura.Hosting.Defaults;

public static class ServiceDefaults
{
    /// <summary>
    /// What every Cekura process shares: the short CEKURA_* settings, the module targets (default: the
    /// <paramref name="defaultTargets"/> of the executable), OpenTelemetry, health checks, JSON shape, storage.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string defaultTargets)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new($"{CekuraOptions.Section}:{nameof(CekuraOptions.Targets)}", defaultTargets)],
        });
        builder.AddShortEnvironmentSettings();
        builder.Services.AddOptions<CekuraOptions>().BindConfiguration(CekuraOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl) || PublicOrigin.IsValidBaseUrl(o.PublicBaseUrl),
                "Cekura:PublicBaseUrl must be an absolute http(s) URL without query, fragment or credentials, e.g. https://calls.example.com.")
            .ValidateOnStart();
        builder.Services.AddOptions<GatewayTrustOptions>().BindConfiguration(GatewayTrustOptions.Section);
        builder.Services.AddSingleton<PublicOrigin>();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => CopyJsonOptions(o.SerializerOptions));
        builder.Services.AddHealthChecks();
        builder.Services.AddHostedService<StartupReport>();
        builder.AddGracefulShutdown();
        // The service name follows what this process runs (cekura-ingest, cekura-transcription-redaction, cekura-all),
        // so one image started with different targets still shows as separate services in traces and metrics.
        builder.AddCekuraTelemetry(ServiceNameOf(builder.Configuration[$"{CekuraOptions.Section}:{nameof(CekuraOptions.Targets)}"] ?? defaultTargets));
        builder.AddCekuraStorage();
        return builder;
    }

    private static string ServiceNameOf(string targets)
    {
        var modules = new CekuraOptions { Targets = targets };
        return modules.RunsAllModules ? "all" : string.Join('-', CekuraOptions.Modules.Where(modules.Runs));
    }

    /// <summary>Ready: stores reachable, bus started (Kubernetes' readiness probe, compose's health check).</summary>
    public const string ReadinessPath = "/health";

    /// <summary>Alive: the process answers (Kubernetes' liveness and startup probes).</summary>
    public const string LivenessPath = "/alive";

    /// <summary><c>/health</c>: ready (stores reachable, bus started); <c>/alive</c>: the process answers. Neither needs a key.</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.MapHealthChecks(ReadinessPath);
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false });
        return app;
    }

    /// <summary>CEKURA_PORT, CEKURA_DATA_DIR, CEKURA_API_KEY and CEKURA_ADMIN_KEY, as the README promises for the one-command start.</summary>
    private static void AddShortEnvironmentSettings(this WebApplicationBuilder builder)
    {
        var overrides = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("CEKURA_DATA_DIR") is { Length: > 0 } dataDir)
        {
            overrides[$"{StorageOptions.Section}:{nameof(StorageOptions.DataDirectory)}"] = dataDir;
        }
        if (Environment.GetEnvironmentVariable("CEKURA_API_KEY") is { Length: > 0 } apiKey)
        {
            overrides["Gateway:BootstrapKey"] = apiKey;
        }
        if (Environment.GetEnvironmentVariable("CEKURA_ADMIN_KEY") is { Length: > 0 } adminKey)
        {
            overrides["Gateway:AdminKey"] = adminKey;
        }
        if (overrides.Count > 0)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }
        if (Environment.GetEnvironmentVariable("CEKURA_PORT") is { Length: > 0 } port)
        {
            builder.WebHost.UseUrls($"http://localhost:{port}");
        }
    }

    private static void AddCekuraTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddCekuraMetrics();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : $"cekura-{serviceName}"))
            .WithTracing(tracing => tracing
                .AddSource("MassTransit", CekuraTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = IsNotProbe)
                .AddHttpClientInstrumentation())
            .WithMetrics(AddCekuraMeters);
        // Like eShop: export only when a collector is configured, so a local run needs none.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>
    /// Our own meter, MassTransit's (consumes, faults, durations per queue), ASP.NET Core's and Kestrel's
    /// (<c>http.server.request.duration</c>, connections), outgoing HTTP and the runtime's own (GC, threads), which
    /// .NET publishes without a package. Histograms keep exemplars of sampled traces, so a slow bucket links to its trace.
    /// </summary>
    private static void AddCekuraMeters(MeterProviderBuilder metrics) => metrics
        .AddMeter(CekuraMetrics.MeterName, InstrumentationOptions.MeterName, "System.Runtime")
        .AddAspNetCoreInstrumentation()
        .AddHttpClientInstrumentation()
        .SetExemplarFilter(ExemplarFilterType.TraceBased);

    private static bool IsNotProbe(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive");

    private static void CopyJsonOptions(JsonSerializerOptions target)
    {
        target.PropertyNamingPolicy = CekuraJson.Options.PropertyNamingPolicy;
        target.DictionaryKeyPolicy = CekuraJson.Options.DictionaryKeyPolicy;
        foreach (var converter in CekuraJson.Options.Converters)
        {
            target.Converters.Add(converter);
        }
    }
}
