using Cekura.Hosting.Defaults;
using Cekura.Hosting.Tests.Support;

namespace Cekura.Hosting.Tests.Defaults;

/// <summary>The loop the sweepers share: a round every interval, a failed round reported and retried, an end at stop.</summary>
public sealed class PeriodicRoundsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task A_failed_round_is_reported_and_the_next_rounds_still_run_until_the_host_stops()
    {
        using var stopping = new CancellationTokenSource();
        var (rounds, failures) = (0, new List<Exception>());
        var loop = PeriodicRounds.RunAsync(Interval, TimeProvider.System,
            (_, _) => Interlocked.Increment(ref rounds) == 1 ? throw new InvalidOperationException("the store is down") : Task.CompletedTask,
            e => { lock (failures) { failures.Add(e); } },
            stopping.Token);

        await Eventually.UntilAsync(() => Volatile.Read(ref rounds) >= 3, "three rounds");
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
        lock (failures)
        {
            Assert.Equal("the store is down", Assert.Single(failures).Message);
        }
    }

    [Fact]
    public async Task A_round_cut_short_by_the_stop_is_not_reported_as_a_failure()
    {
        using var stopping = new CancellationTokenSource();
        var (started, failures) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), 0);
        var loop = PeriodicRounds.RunAsync(Interval, TimeProvider.System,
            async (_, ct) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
            _ => Interlocked.Increment(ref failures),
            stopping.Token);

        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
        Assert.Equal(0, Volatile.Read(ref failures));
    }
}
