using Cekura.Contracts.Calls;
using MassTransit;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Publishes the event a call's stage owes, then records the confirmation. With RabbitMQ publisher confirms,
/// <c>Publish</c> returns only once the broker has the message, so a crash before the record only causes a
/// duplicate (which consumers ignore), never a loss.
/// </summary>
public sealed class CallEventPublisher(IPublishEndpoint publishEndpoint, CallLogWriter writer)
{
    public async Task PublishOwedAsync(CallLog call, CancellationToken cancellationToken)
    {
        var message = CallStageEvents.For(call.Stage, call.Id, call.ProjectId);
        if (message is null)
        {
            return;
        }
        await publishEndpoint.Publish(message, message.GetType(), cancellationToken);
        await writer.MarkPublishedAsync(call.Id, call.Stage, cancellationToken);
    }
}
