using MassTransit;
using Cekura.Hosting.Bus;

namespace Cekura.Evaluation;

public static class EvaluationModule
{
    /// <summary>Consumes <c>CallRedacted</c> on the <c>evaluation</c> queue, publishes <c>CallEvaluated</c>.</summary>
    public static WebApplicationBuilder AddEvaluation(this WebApplicationBuilder builder)
    {
        builder.ConfigureCekuraBus(x =>
        {
            x.AddConsumer<CallRedactedConsumer, CallRedactedConsumerDefinition>();
            x.AddConsumer<CallRedactedFaultConsumer, CallRedactedFaultConsumerDefinition>();
        });
        return builder;
    }
}
