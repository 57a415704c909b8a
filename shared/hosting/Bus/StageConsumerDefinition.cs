using Cekura.Hosting.Options;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Bus;

/// <summary>
/// A stage consumer's endpoint: its queue, and the configured retry, prefetch and concurrency
/// (<see cref="BusRegistration.ApplyStageSettings"/>).
/// </summary>
public abstract class StageConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly BusOptions _options;

    protected StageConsumerDefinition(IOptions<BusOptions> options, string queue)
    {
        _options = options.Value;
        EndpointName = queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ApplyStageSettings(_options);
}
