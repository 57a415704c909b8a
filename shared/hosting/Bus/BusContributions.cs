using MassTransit;

namespace Cekura.Hosting.Bus;

/// <summary>
/// What the modules of one process add to its single bus. MassTransit allows one <c>AddMassTransit</c> per
/// container, so modules register here and <see cref="BusRegistration.AddCekuraBus"/> applies them all.
/// </summary>
public sealed class BusContributions
{
    private readonly List<Action<IBusRegistrationConfigurator>> _consumers = [];

    public IReadOnlyList<Action<IBusRegistrationConfigurator>> Consumers => _consumers;

    public void Add(Action<IBusRegistrationConfigurator> configure) => _consumers.Add(configure);
}
