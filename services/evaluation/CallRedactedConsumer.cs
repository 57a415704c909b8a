using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Rubrics;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Hosting.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation;

/// <summary>
/// Computes the call's metrics, then its success and status under the agent's rubric (a human review, once made,
/// is kept), then announces <c>CallEvaluated</c>. The scores are counted once the evaluation is stored, so a
/// redelivered message adds none twice.
/// </summary>
public sealed class CallRedactedConsumer(CallStageRunner runner, IAgentStore agents, CallMetrics callMetrics, CekuraMetrics telemetry)
    : IConsumer<CallRedacted>
{
    public Task Consume(ConsumeContext<CallRedacted> context) =>
        runner.RunAsync(context, context.Message.CallLogId, CallStage.Redacted, CallStage.Evaluated, EvaluateAsync);

    private async Task<StageOutcome> EvaluateAsync(CallLog call, CancellationToken cancellationToken)
    {
        var agent = await agents.GetAsync(call.ProjectId, call.AgentId, cancellationToken);
        var results = await callMetrics.EvaluateAsync(call, agent, cancellationToken);
        var metrics = MetricResults.Merge(call.Metrics, results.Metrics, call.PendingMetricIds);
        var rubric = RubricEvaluator.Apply(agent?.Rubric, metrics);
        return StageOutcome.Advance(c => c with
        {
            Metrics = metrics,
            Topic = results.Classified ? results.Topic : c.Topic,
            DropoffPoint = results.Classified ? results.DropoffPoint : c.DropoffPoint,
            PendingMetricIds = null,
            EvaluationCount = c.EvaluationCount + 1,
            Success = c.IsReviewed ? c.Success : rubric.Success,
            Status = c.IsReviewed ? c.Status : rubric.Success ? "success" : "failure",
        }, saved => telemetry.MetricsScored(saved, results.Metrics));
    }
}

public sealed class CallRedactedFaultConsumer(CallStageRunner runner) : IConsumer<Fault<CallRedacted>>
{
    public Task Consume(ConsumeContext<Fault<CallRedacted>> context) =>
        runner.RecordFaultAsync(context.Message.Message.CallLogId, CallStage.Redacted, "Evaluation",
            context.Message.Exceptions, context.CancellationToken);
}

public sealed class CallRedactedConsumerDefinition(IOptions<BusOptions> options)
    : StageConsumerDefinition<CallRedactedConsumer>(options, CallRedactedConsumerDefinition.Queue)
{
    /// <summary>The RabbitMQ queue; deploy/k8s\'s autoscaler watches it by this name.</summary>
    public const string Queue = "evaluation";
}

public sealed class CallRedactedFaultConsumerDefinition : ConsumerDefinition<CallRedactedFaultConsumer>
{
    public CallRedactedFaultConsumerDefinition() => EndpointName = "evaluation-faults";
}
