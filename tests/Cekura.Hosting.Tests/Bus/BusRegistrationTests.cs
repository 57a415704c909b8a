using Cekura.Hosting.Bus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Tests.Bus;

public sealed class BusRegistrationTests
{
    [Fact]
    public void MassTransit_usage_telemetry_is_off()
    {
        // Left on, MassTransit posts a usage report to its own host after start ("Failed to report usage telemetry"
        // where there is no route out), telling an outside party about our queues.
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureCekuraBus();
        builder.AddCekuraBus();
        using var host = builder.Build();

        Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}
