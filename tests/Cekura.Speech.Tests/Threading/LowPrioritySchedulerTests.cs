using Cekura.Speech.Threading;

namespace Cekura.Speech.Tests.Threading;

public sealed class LowPrioritySchedulerTests
{
    [Fact]
    public async Task Work_and_what_it_awaits_run_at_the_nice_value_while_the_caller_keeps_its_own()
    {
        var callerBefore = ThreadNice.ReadCurrent();
        using var scheduler = new LowPriorityScheduler(threadCount: 2, nice: 13, "test");

        var seen = await scheduler.RunAsync(async () =>
        {
            var before = ThreadNice.ReadCurrent();
            // Completed from a thread-pool thread: the continuation is queued, not run inline, so it shows where
            // awaits resume.
            var elsewhere = new TaskCompletionSource();
            _ = Task.Run(elsewhere.SetResult);
            await elsewhere.Task;
            var afterDelay = ThreadNice.ReadCurrent();
            await Task.Yield();
            return (before, afterDelay, ThreadNice.ReadCurrent(), Thread.CurrentThread.Name);
        }, CancellationToken.None);

        Assert.Null(scheduler.PriorityProblem);
        Assert.Equal((13, 13, 13), (seen.Item1, seen.afterDelay, seen.Item3));
        Assert.StartsWith("test ", seen.Name);
        Assert.Equal(callerBefore, ThreadNice.ReadCurrent());
        Assert.NotEqual(13, callerBefore);
    }

    [Fact]
    public async Task A_process_started_from_the_work_inherits_the_nice_value()
    {
        using var scheduler = new LowPriorityScheduler(threadCount: 1, nice: 11, "test");

        var printed = await scheduler.RunAsync(async () =>
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("nice") { RedirectStandardOutput = true })!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output.Trim();
        }, CancellationToken.None);

        Assert.Equal("11", printed);
    }

    [Fact]
    public async Task The_idle_policy_applies_to_the_threads_and_not_to_the_caller()
    {
        var caller = ThreadNice.ReadPolicyCurrent();
        using var scheduler = new LowPriorityScheduler(threadCount: 1, nice: 10, "test", idle: true);

        var seen = await scheduler.RunAsync(() => Task.FromResult((ThreadNice.ReadPolicyCurrent(), ThreadNice.ReadCurrent())), CancellationToken.None);

        Assert.Null(scheduler.PriorityProblem);
        Assert.Equal((5, 10), seen); // SCHED_IDLE
        Assert.Equal(0, caller);     // SCHED_OTHER
        Assert.Equal(caller, ThreadNice.ReadPolicyCurrent());
    }

    [Fact]
    public async Task Nice_zero_leaves_the_threads_at_the_process_priority()
    {
        var caller = ThreadNice.ReadCurrent();
        using var scheduler = new LowPriorityScheduler(threadCount: 1, nice: 0, "test");

        var seen = await scheduler.RunAsync(() => Task.FromResult(ThreadNice.ReadCurrent()), CancellationToken.None);

        Assert.Equal(caller, seen);
    }

    [Fact]
    public async Task At_most_the_thread_count_runs_at_once()
    {
        using var scheduler = new LowPriorityScheduler(threadCount: 2, nice: 10, "test");
        using var gate = new ManualResetEventSlim();
        using var arrived = new SemaphoreSlim(0);
        var inside = 0;
        var most = 0;

        var runs = Enumerable.Range(0, 5).Select(_ => scheduler.RunAsync(() =>
        {
            var now = Interlocked.Increment(ref inside);
            lock (gate)
            {
                most = Math.Max(most, now);
            }
            arrived.Release();
            gate.Wait();
            Interlocked.Decrement(ref inside);
            return Task.FromResult(0);
        }, CancellationToken.None)).ToList();
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)));
        // The third must not get in while the two threads are held.
        Assert.False(await arrived.WaitAsync(TimeSpan.FromMilliseconds(200)));
        gate.Set();
        await Task.WhenAll(runs);

        Assert.Equal(2, most);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, -1)]
    [InlineData(1, 20)]
    public void Invalid_arguments_are_refused(int threads, int nice) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LowPriorityScheduler(threads, nice, "test"));
}
