using System.Threading.Channels;

namespace Cekura.Hosting.Webhooks;

/// <summary>
/// Tells this process's dispatcher that something was enqueued, so it sends at once instead of at its next poll.
/// A signal given while the dispatcher is busy is kept (one is enough), so none is lost.
/// </summary>
public sealed class WebhookWakeUp
{
    private readonly Channel<bool> signals =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Signal() => signals.Writer.TryWrite(true);

    /// <summary>Returns when signalled or when <paramref name="timeout"/> has passed, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (signals.Reader.TryRead(out _))
        {
            return;
        }
        using var timer = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await signals.Reader.WaitToReadAsync(either.Token);
            signals.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a signal.
        }
    }
}
