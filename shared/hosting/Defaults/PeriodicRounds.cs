namespace Cekura.Hosting.Defaults;

/// <summary>The loop of a background service that does a round of work every interval until the host stops.</summary>
public static class PeriodicRounds
{
    /// <summary>
    /// Runs <paramref name="round"/> every <paramref name="interval"/>, as of the time on <paramref name="clock"/>, until
    /// <paramref name="stoppingToken"/> is cancelled. A round that fails is reported to <paramref name="failed"/> and the
    /// loop goes on: the next round tries again.
    /// </summary>
    public static async Task RunAsync(
        TimeSpan interval, TimeProvider clock, Func<DateTimeOffset, CancellationToken, Task> round, Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        // The first round comes one interval after start, not during it: a round may read every project or list the
        // whole blob store, which a process that is still starting up need not compete with.
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await round(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failed(e);
            }
        }
    }
}
