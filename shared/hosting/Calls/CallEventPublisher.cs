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
    /// <summary>The call as stored after the confirmation, or null when it moved on (or vanished) meanwhile.</summary>
    public async Task<CallLog?> PublishOwedAsync(CallLog call, CancellationToken cancellationToken)
    {
        var message = CallStageEvents.For(call.Stage, call.Id, call.ProjectId);
        if (message is null)
        {
            return call;
        }
        await publishEndpoint.Publish(message, message.GetType(), cancellationToken);
        return await writer.MarkPublishedAsync(call.Id, call.Stage, cancellationToken);
    }
}
