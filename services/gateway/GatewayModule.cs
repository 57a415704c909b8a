using Cekura.Gateway.ApiKeys;
using Cekura.Hosting.Options;
using Yarp.ReverseProxy.Configuration;

namespace Cekura.Gateway;

public static class GatewayModule
{
    private const string IngestCluster = "ingest";

    /// <summary>API-key authentication, the bootstrap key, and — when ingest runs elsewhere — the YARP routes to it.</summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddHostedService<BootstrapKey>();
        var maxRequestBytes = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>()?.MaxRequestBytes
            ?? new GatewayOptions().MaxRequestBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxRequestBytes);

        var cekura = builder.Configuration.GetSection(CekuraOptions.Section).Get<CekuraOptions>() ?? new CekuraOptions();
        if (!cekura.Runs("ingest"))
        {
            var ingestUrl = builder.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.IngestUrl)}"];
            if (string.IsNullOrWhiteSpace(ingestUrl))
            {
                throw new InvalidOperationException(
                    "The gateway runs without ingest in this process, so it needs Gateway:IngestUrl (env Gateway__IngestUrl), e.g. http://ingest:8080.");
            }
            builder.Services.AddReverseProxy().LoadFromMemory(Routes(), [Cluster(ingestUrl)]);
        }
        return builder;
    }

    /// <summary>Must run before any public endpoint: it authenticates and stamps the tenant.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        if (app.Services.GetService<IProxyConfigProvider>() is not null)
        {
            app.MapReverseProxy();
        }
        return app;
    }

    private static RouteConfig[] Routes() =>
    [
        Route("observability", "/observability/{**rest}"),
        Route("test-framework", "/test_framework/{**rest}"),
        Route("openapi", "/openapi/{**rest}"),
    ];

    private static RouteConfig Route(string id, string path) =>
        new() { RouteId = id, ClusterId = IngestCluster, Match = new RouteMatch { Path = path } };

    private static ClusterConfig Cluster(string ingestUrl) => new()
    {
        ClusterId = IngestCluster,
        Destinations = new Dictionary<string, DestinationConfig> { ["ingest"] = new() { Address = ingestUrl } },
    };
}
