using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using MassTransit;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Publishes the event a call's stage owes, for a stage worker that has just recorded the stage. The publish waits
/// for the broker's confirmation at most <see cref="Options.OutboxOptions.PublishTimeout"/>; the confirmation is
/// recorded with the next batch (<see cref="PublishConfirmations"/>). An event not confirmed stays owed in the store
/// and the outbox relay publishes it, so a broker outage never blocks a worker and never loses an event.
/// </summary>
public sealed class CallEventPublisher(IPublishEndpoint publishEndpoint, TimedPublisher publisher, PublishConfirmations confirmations)
{
    /// <summary>True once the bus confirmed the event (or the stage owes none); false when it is left to the relay.</summary>
    public async Task<bool> PublishOwedAsync(CallLog call, CancellationToken cancellationToken)
    {
        var owed = OwedEvent.Of(call);
        if (owed.Message() is not { } message)
        {
            return true;
        }
        if (!await publisher.TryPublishAsync(publishEndpoint, message, call.Id, cancellationToken))
        {
            return false;
        }
        confirmations.Add(owed);
        return true;
    }
}
