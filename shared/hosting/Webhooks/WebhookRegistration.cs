using Cekura.Hosting.Net;
using Cekura.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Webhooks;

public static class WebhookRegistration
{
    /// <summary>
    /// Completion webhooks: the <c>Webhooks</c> options (validated at start), <see cref="CompletionWebhooks"/> to
    /// enqueue and the <see cref="WebhookDispatcher"/> that sends. The outbox itself comes with the stores
    /// (<c>AddCekuraStorage</c>). Calling it twice registers everything once.
    /// </summary>
    public static IHostApplicationBuilder AddCompletionWebhooks(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // "Webhooks": {"PollIntervalSeconds": 5, "BatchSize": 16, "TimeoutSeconds": 10, "MaxAttempts": 12, "BackoffBaseSeconds": 5,
        //              "BackoffCapSeconds": 3600, "LeaseSeconds": 60, "RetentionHours": 168, "AllowedPrivateHosts": []}
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHostAddressResolver, DnsHostAddressResolver>();
        services.TryAddSingleton<WebhookWakeUp>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<CompletionWebhooks>();
        services.AddCekuraMetrics();
        services.AddHostedService<WebhookDispatcher>();
        return builder;
    }
}
