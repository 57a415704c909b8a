using MassTransit;
using Cekura.Hosting.Bus;

namespace Cekura.Redaction;

public static class RedactionModule
{
    /// <summary>Consumes <c>CallTranscribed</c> on the <c>redaction</c> queue, publishes <c>CallRedacted</c>.</summary>
    public static WebApplicationBuilder AddRedaction(this WebApplicationBuilder builder)
    {
        builder.ConfigureCekuraBus(x =>
        {
            x.AddConsumer<CallTranscribedConsumer, CallTranscribedConsumerDefinition>();
            x.AddConsumer<CallTranscribedFaultConsumer, CallTranscribedFaultConsumerDefinition>();
        });
        return builder;
    }
}
