using Cekura.Hosting.Options;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cekura.Hosting.Bus;

public static class BusRegistration
{
    /// <summary>Declares that this module uses the bus, and which consumers it brings.</summary>
    public static IHostApplicationBuilder ConfigureCekuraBus(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var contributions = GetContributions(builder);
        contributions.Add(consumers ?? (_ => { }));
        return builder;
    }

    /// <summary>
    /// Adds the one bus of this process when any module asked for it: RabbitMQ (durable queues, publisher
    /// confirms) or the in-memory transport, chosen by <see cref="BusOptions.Transport"/>.
    /// </summary>
    public static IHostApplicationBuilder AddCekuraBus(this IHostApplicationBuilder builder)
    {
        var contributions = GetContributions(builder);
        if (contributions.Consumers.Count == 0)
        {
            return builder;
        }
        var options = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        var cekura = CekuraOptions.From(builder.Configuration);
        if (options.Transport == BusTransport.InMemory && !cekura.RunsAllModules)
        {
            throw new InvalidOperationException(
                $"Bus:Transport=InMemory only works when one process runs every module (Cekura:Targets=all); this process runs '{cekura.Targets}'. " +
                "Set Bus__Transport=RabbitMq and Bus__RabbitMq__Host for a distributed deployment.");
        }

        builder.Services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var shutdown = Defaults.GracefulShutdown.Timeout(builder.Configuration);
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            // On stop the endpoints stop taking messages at once; stage messages in flight get 60 % of the shutdown
            // timeout to finish, then their cancellation token fires and what is still unfinished goes back to the
            // queue (never acknowledged) for another worker. The bus's wait ends at 80 %, leaving the rest to the host.
            o.ConsumerStopTimeout = shutdown * 0.6;
            o.StopTimeout = shutdown * 0.8;
        });
        builder.Services.AddMassTransit(x =>
        {
            // MassTransit 8.4+ otherwise posts a usage report (bus, transport, endpoints) to an outside host a while after
            // start; a self-hosted pipeline makes no call nobody configured, and offline it only logs a failure.
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            foreach (var contribute in contributions.Consumers)
            {
                contribute(x);
            }
            if (options.Transport == BusTransport.RabbitMq)
            {
                x.UsingRabbitMq((context, cfg) => ConfigureRabbitMq(context, cfg, options.RabbitMq));
            }
            else
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return builder;
    }

    private static void ConfigureRabbitMq(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions rabbit)
    {
        cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
        {
            h.Username(rabbit.Username);
            h.Password(rabbit.Password);
            h.PublisherConfirmation = true;
        });
        cfg.Durable = true;
        cfg.ConfigureEndpoints(context);
    }

    private static BusContributions GetContributions(IHostApplicationBuilder builder)
    {
        if (!builder.Properties.TryGetValue(typeof(BusContributions), out var value))
        {
            value = new BusContributions();
            builder.Properties[typeof(BusContributions)] = value;
        }
        return (BusContributions)value;
    }

    /// <summary>Applies the configured retry, prefetch and concurrency to a stage's endpoint.</summary>
    public static void ApplyStageSettings(this IReceiveEndpointConfigurator endpoint, BusOptions options)
    {
        var retry = options.Retry;
        endpoint.UseMessageRetry(r => r.Exponential(
            retry.Limit, TimeSpan.FromMilliseconds(retry.MinIntervalMs), TimeSpan.FromMilliseconds(retry.MaxIntervalMs),
            TimeSpan.FromMilliseconds(retry.MinIntervalMs)));
        endpoint.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = options.PrefetchCount;
        }
    }
}
