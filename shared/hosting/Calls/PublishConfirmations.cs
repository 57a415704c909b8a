using System.Threading.Channels;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Records the bus's confirmations in the store in batches: whatever was confirmed while the previous write ran goes
/// into the next one, so a busy process pays one commit for many calls instead of one per call. A confirmation
/// that is never written (a crash, a full queue, a failed write) only makes the relay publish the event again,
/// which consumers ignore.
/// </summary>
public sealed class PublishConfirmations(ICallOutbox outbox, TimeProvider clock, ILogger<PublishConfirmations> logger) : BackgroundService
{
    private const int MaxBatch = 500;

    // Confirmations arrive no faster than the broker confirms publishes; the bound only guards a store that stopped answering.
    private readonly Channel<OwedEvent> _confirmed = Channel.CreateBounded<OwedEvent>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Notes that the bus confirmed this event; written with the next batch.</summary>
    public void Add(OwedEvent published) => _confirmed.Writer.TryWrite(published);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<OwedEvent>(MaxBatch);
        // Not cancelled by stoppingToken: StopAsync completes the channel, and what is queued is still written.
        while (await _confirmed.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _confirmed.Reader.TryRead(out var published))
            {
                batch.Add(published);
            }
            try
            {
                await outbox.MarkPublishedAsync(batch, clock.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Recording {Count} publish confirmations failed; the outbox relay will publish those events again", batch.Count);
            }
            batch.Clear();
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _confirmed.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }
}
