using Microsoft.Extensions.Hosting;

namespace Cekura.Hosting.Bus;

/// <summary>
/// Waits until every hosted service has started, the bus included (<c>WaitUntilStarted</c>, see
/// <see cref="BusRegistration"/>). The modules' background services start before the bus's: an in-memory bus that has
/// not started yet takes a publish and confirms it with no queue bound to receive it, so the message is lost while the
/// store records it as sent. Whatever publishes from a background service waits for this first.
/// </summary>
public static class BusStarted
{
    public static async Task WaitAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onStopping = cancellationToken.Register(() => started.TrySetCanceled(cancellationToken));
        await started.Task;
    }
}
