using Cekura.Hosting.Options;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Every publish of an owed call event goes through here: it waits at most <see cref="OutboxOptions.PublishTimeout"/>
/// for the broker's confirmation, and at most <see cref="OutboxOptions.MaxPublishesInFlight"/> publishes are pending
/// at once. A publish stays pending until the broker answers or the connection drops, even after we stop waiting
/// for it (a hung broker answers nothing), so its slot is freed only then: a hung broker costs a bounded number of
/// tasks, never an unbounded pile. An event not confirmed in time stays owed in the store, for the relay.
/// </summary>
public sealed class TimedPublisher(IOptions<OutboxOptions> options, ILogger<TimedPublisher> logger)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxPublishesInFlight, options.Value.MaxPublishesInFlight);
    private readonly TimeSpan _timeout = options.Value.PublishTimeout;

    /// <summary>Publishes pending right now, including those nobody waits for any more.</summary>
    public int InFlight => options.Value.MaxPublishesInFlight - _slots.CurrentCount;

    /// <summary>Takes a slot, waiting up to <paramref name="wait"/>; false when every slot is held by an unanswered publish.</summary>
    public Task<bool> WaitForSlotAsync(TimeSpan wait, CancellationToken cancellationToken) => _slots.WaitAsync(wait, cancellationToken);

    /// <summary>Publishes in a slot taken by <see cref="WaitForSlotAsync"/>: true once the broker confirmed it, false if it did not in time.</summary>
    public async Task<bool> PublishInSlotAsync(
        IPublishEndpoint endpoint, object message, long callLogId, CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        Task publish;
        try
        {
            publish = endpoint.Publish(message, message.GetType(), timeout.Token);
        }
        catch (Exception e)
        {
            Free(timeout);
            logger.LogWarning(e, "Publishing {Message} for call log {CallLogId} failed; the outbox relay will retry", message.GetType().Name, callLogId);
            return false;
        }
        // The slot is freed when the publish really ends, not when we stop waiting for it. Observing the task's
        // exception here also keeps an abandoned publish from raising an unobserved-task exception.
        _ = publish.ContinueWith(done =>
        {
            _ = done.Exception;
            Free(timeout);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        try
        {
            await publish.WaitAsync(_timeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("The broker did not confirm {Message} for call log {CallLogId} within {Timeout} ms; the outbox relay will retry",
                message.GetType().Name, callLogId, _timeout.TotalMilliseconds);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Publishing {Message} for call log {CallLogId} failed; the outbox relay will retry", message.GetType().Name, callLogId);
            return false;
        }
    }

    /// <summary>Publishes if a slot is free right now (see <see cref="PublishInSlotAsync"/>); false without waiting otherwise.</summary>
    public async Task<bool> TryPublishAsync(IPublishEndpoint endpoint, object message, long callLogId, CancellationToken cancellationToken)
    {
        if (!await WaitForSlotAsync(TimeSpan.Zero, cancellationToken))
        {
            logger.LogWarning("{InFlight} publishes await the broker; {Message} for call log {CallLogId} is left to the outbox relay",
                InFlight, message.GetType().Name, callLogId);
            return false;
        }
        return await PublishInSlotAsync(endpoint, message, callLogId, cancellationToken);
    }

    private void Free(CancellationTokenSource timeout)
    {
        timeout.Dispose();
        _slots.Release();
    }
}
