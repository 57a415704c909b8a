using Cekura.Gateway.Administration;
using Cekura.Gateway.ApiKeys;
using Cekura.Gateway.Load;
using Cekura.Gateway.Webhooks;
using Cekura.Gateway.WebConsole;
using Cekura.Hosting.Options;
using Cekura.Hosting.Tenancy;
using Cekura.Hosting.Traces;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Cekura.Gateway;

public static class GatewayModule
{
    private const string IngestCluster = "ingest";

    /// <summary>API keys and their limits, the admin API, the bootstrap key, and — when ingest runs elsewhere — the YARP routes to it.</summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<KeyRateLimiter>();
        builder.Services.AddSingleton<KeyAdministration>();
        builder.Services.AddSingleton<WebhookTokenResolver>();
        builder.Services.AddSingleton<WebhookTokenRateLimiter>();
        builder.Services.AddHostedService<BootstrapKey>();
        builder.AddConsole();
        // The JSON limit for every request; the middleware raises it for Send Calls uploads and lowers it for admin.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxJsonBytes);
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            WriteTimeoutResponse = context => context.Response.WriteAsJsonAsync(
                new { detail = $"The request took longer than {options.RequestTimeoutSeconds} s." }),
        });

        GatewayTrustOptions.RequireWhenSplit(builder.Configuration);
        var cekura = CekuraOptions.From(builder.Configuration);
        if (!cekura.Runs("ingest"))
        {
            if (string.IsNullOrWhiteSpace(options.IngestUrl))
            {
                throw new InvalidOperationException(
                    "The gateway runs without ingest in this process, so it needs Gateway:IngestUrl (env Gateway__IngestUrl), e.g. http://ingest:8080.");
            }
            builder.Services.AddReverseProxy().LoadFromMemory(Routes(), [Cluster(options)]);
        }
        return builder;
    }

    /// <summary>Must run before any public endpoint: it times requests out, authenticates, limits and stamps the tenant.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseRequestTimeouts();
        app.UseMiddleware<AdminKeyMiddleware>();
        // An agent's tokened webhook URL is authenticated by its token (and, in ingest, the provider's signature);
        // every other request by its API key.
        app.UseWhen(WebhookTokenMiddleware.Handles, tokened => tokened.UseMiddleware<WebhookTokenMiddleware>());
        // The web console's cookie stands in for the key header; the key middleware then checks it like any other.
        app.UseWhen(context => !WebhookTokenMiddleware.Handles(context), keyed => keyed
            .UseMiddleware<ConsoleSessionMiddleware>()
            .UseMiddleware<ApiKeyMiddleware>());
        return app;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapAdminApi();
        // A literal route, so it wins over the catch-all YARP route to ingest.
        if (app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.NoOpEndpoint)
        {
            app.MapNoOpEndpoint();
        }
        if (app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled)
        {
            app.MapConsole();
        }
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
        // OTLP/HTTP trace export: ingest stores the spans (the gateway keeps no span store of its own).
        Route("otlp-traces", OtlpHttp.TracesPath),
    ];

    // X-Forwarded-Proto/Host/Prefix/For set (not appended) from this request: ingest builds the links it returns from
    // them (PublicOrigin), so they must describe the gateway's side, never what the client sent. YARP's default, stated.
    private static RouteConfig Route(string id, string path) => new()
    {
        RouteId = id,
        ClusterId = IngestCluster,
        Match = new RouteMatch { Path = path },
        Transforms = [new Dictionary<string, string> { ["X-Forwarded"] = "Set" }],
    };

    private static ClusterConfig Cluster(GatewayOptions options) => new()
    {
        ClusterId = IngestCluster,
        Destinations = new Dictionary<string, DestinationConfig> { ["ingest"] = new() { Address = options.IngestUrl! } },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds) },
    };
}
