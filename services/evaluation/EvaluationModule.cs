using MassTransit;
using Cekura.Evaluation.Llm;
using Cekura.Hosting.Bus;

namespace Cekura.Evaluation;

public static class EvaluationModule
{
    /// <summary>Consumes <c>CallRedacted</c> on the <c>evaluation</c> queue, publishes <c>CallEvaluated</c>.</summary>
    public static WebApplicationBuilder AddEvaluation(this WebApplicationBuilder builder)
    {
        // "Llm": {"BaseUrl": "...", "ApiKey": "...", "Model": "..."}: judges, topic and drop-off; without it they are "not evaluated".
        builder.Services.AddLlm();
        builder.Services.AddSingleton<CallMetrics>();
        builder.ConfigureCekuraBus(x =>
        {
            x.AddConsumer<CallRedactedConsumer, CallRedactedConsumerDefinition>();
            x.AddConsumer<CallRedactedFaultConsumer, CallRedactedFaultConsumerDefinition>();
        });
        return builder;
    }
}
