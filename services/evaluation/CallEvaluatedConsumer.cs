using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Hosting.Calls.Views;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Webhooks;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation;

/// <summary>
/// Announces a completed evaluation to the agent's <c>webhook_url</c>: one delivery in the webhook outbox per
/// evaluation (key <c>{call}:{evaluation number}</c>, so a redelivered event enqueues nothing new), sent by the
/// dispatcher off the chain with its own retries.
/// </summary>
public sealed class CallEvaluatedConsumer(
    ICallStore calls, IAgentStore agents, CompletionWebhooks webhooks, CallLogViews views, IOptions<CekuraOptions> cekura,
    ILogger<CallEvaluatedConsumer> logger) : IConsumer<CallEvaluated>
{
    public async Task Consume(ConsumeContext<CallEvaluated> context)
    {
        var ct = context.CancellationToken;
        var call = await calls.GetAsync(context.Message.ProjectId, context.Message.CallLogId, ct);
        // Deleted, or back in the chain for a re-evaluation whose own event will announce it.
        if (call is null || call.Stage != CallStage.Evaluated || call.EvaluationCount == 0)
        {
            return;
        }
        var agent = await agents.GetAsync(call.ProjectId, call.AgentId, ct);
        if (string.IsNullOrWhiteSpace(agent?.WebhookUrl))
        {
            return;
        }
        var detail = views.Detail(call, cekura.Value.PublicBaseUrl);
        var enqueued = await webhooks.EnqueueAsync(new CompletedCallWebhook
        {
            ProjectId = call.ProjectId,
            CallLogId = call.Id,
            EvaluationNumber = call.EvaluationCount,
            Url = agent.WebhookUrl,
            Secret = agent.WebhookSecret,
            Data = JsonSerializer.SerializeToElement(detail, CekuraJson.Options),
        }, ct);
        if (enqueued.Created)
        {
            logger.LogInformation("Call log {CallLogId}: completion webhook {DeliveryKey} queued", call.Id, enqueued.Delivery.DeliveryKey);
        }
    }
}

public sealed class CallEvaluatedConsumerDefinition : ConsumerDefinition<CallEvaluatedConsumer>
{
    /// <summary>The RabbitMQ queue; deploy/k8s's autoscaler watches it by this name.</summary>
    public const string Queue = "completion-webhooks";

    public CallEvaluatedConsumerDefinition() => EndpointName = Queue;
}
