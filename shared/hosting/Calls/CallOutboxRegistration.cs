using Cekura.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.Hosting.Calls;

public static class CallOutboxRegistration
{
    /// <summary>
    /// For a module whose requests store calls that owe events: the background publisher they hand those calls to,
    /// and the relay that publishes whatever it could not; and the gauges of the backlog the relay works through.
    /// </summary>
    public static IServiceCollection AddCallOutbox(this IServiceCollection services)
    {
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<OutboxRelay>();
        services.AddCekuraMetrics();
        services.AddHostedService<CallBacklogGauges>();
        return services;
    }
}
