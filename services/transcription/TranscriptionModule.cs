using MassTransit;
using Cekura.Hosting.Bus;

namespace Cekura.Transcription;

public static class TranscriptionModule
{
    /// <summary>Consumes <c>CallReceived</c> on the <c>transcription</c> queue, publishes <c>CallTranscribed</c>.</summary>
    public static WebApplicationBuilder AddTranscription(this WebApplicationBuilder builder)
    {
        builder.ConfigureCekuraBus(x =>
        {
            x.AddConsumer<CallReceivedConsumer, CallReceivedConsumerDefinition>();
            x.AddConsumer<CallReceivedFaultConsumer, CallReceivedFaultConsumerDefinition>();
        });
        return builder;
    }
}
