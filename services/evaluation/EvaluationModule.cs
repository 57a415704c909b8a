using MassTransit;
using Cekura.Evaluation.CustomCode;
using Cekura.Evaluation.Llm;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls.Views;
using Cekura.Hosting.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cekura.Evaluation;

public static class EvaluationModule
{
    /// <summary>
    /// Consumes <c>CallRedacted</c> on the <c>evaluation</c> queue, publishes <c>CallEvaluated</c>; consumes that on
    /// <c>completion-webhooks</c> to queue the agent's completion webhook.
    /// </summary>
    public static WebApplicationBuilder AddEvaluation(this WebApplicationBuilder builder)
    {
        // "Llm": {"BaseUrl": "...", "ApiKey": "...", "Model": "..."}: judges, topic and drop-off; without it they are "not evaluated".
        builder.Services.AddLlm();
        // "CustomCode": {"TimeoutMs": 1000, "MemoryLimitMb": 32, ...}: the Jint sandbox for custom_code metrics.
        builder.Services.AddCustomCode();
        // Created on the first custom_code metric: the runner warms its engine up (about a second of compiling), which
        // a process whose projects have no custom code should not pay.
        builder.Services.AddSingleton(sp => new Lazy<CustomCodeRunner>(sp.GetRequiredService<CustomCodeRunner>));
        builder.Services.AddSingleton<CallMetrics>();
        // "Webhooks": {...}: the completion webhook's outbox dispatcher runs beside the evaluation stage.
        builder.AddCompletionWebhooks();
        builder.Services.TryAddSingleton<CallLogViews>();
        builder.ConfigureCekuraBus(x =>
        {
            x.AddConsumer<CallRedactedConsumer, CallRedactedConsumerDefinition>();
            x.AddConsumer<CallRedactedFaultConsumer, CallRedactedFaultConsumerDefinition>();
            x.AddConsumer<CallEvaluatedConsumer, CallEvaluatedConsumerDefinition>();
        });
        return builder;
    }
}
