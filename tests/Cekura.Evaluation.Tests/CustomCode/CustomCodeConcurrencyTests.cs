using Cekura.Evaluation.CustomCode;

namespace Cekura.Evaluation.Tests.CustomCode;

public sealed class CustomCodeConcurrencyTests
{
    /// <summary>
    /// A runaway script holds one slot for its whole time limit; scripts started after it use the other slot and all
    /// finish while it is still running. The runaway's own time limit is the deadline: if the others had to wait for
    /// it, it would finish first and the test would fail.
    /// </summary>
    [Fact]
    public async Task Ordinary_scripts_started_after_a_runaway_all_finish_before_it_ends()
    {
        using var runner = new CustomCodeRunner(new CustomCodeOptions
        {
            MaxConcurrency = 2, TimeoutMs = 120_000, MaxStatements = int.MaxValue - 1,
        });
        using var stopRunaway = new CancellationTokenSource();
        var runaway = runner.RunAsync(SampleCall.Request("while (true) {}"), stopRunaway.Token);
        Assert.True(SpinWait.SpinUntil(() => runner.ActiveRuns == 1 || runaway.IsCompleted, TimeSpan.FromMinutes(1)),
            "the runaway script never started");
        Assert.False(runaway.IsCompleted);

        var ordinary = Enumerable.Range(0, 40)
            .Select(i => runner.RunAsync(SampleCall.Request($"_result = data.transcript_json.length + {i};"), CancellationToken.None))
            .ToArray();
        var all = Task.WhenAll(ordinary);
        var first = await Task.WhenAny(all, runaway);

        Assert.Same(all, first);
        Assert.False(runaway.IsCompleted);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (double?)(6 + i)), (await all).Select(o => o.Score));

        stopRunaway.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runaway);
        Assert.True(SpinWait.SpinUntil(() => runner.ActiveRuns == 0, TimeSpan.FromMinutes(1)), "the cancelled run kept its slot");
    }

    /// <summary>
    /// With one slot held by a runaway, a run on the same runner waits: a run on an independent runner, started after
    /// it, finishes first. Once the runaway is cancelled, the waiting run gets the slot and completes.
    /// </summary>
    [Fact]
    public async Task Runs_beyond_the_concurrency_cap_wait_for_a_slot_and_then_run()
    {
        var options = new CustomCodeOptions { MaxConcurrency = 1, TimeoutMs = 120_000, MaxStatements = int.MaxValue - 1 };
        using var runner = new CustomCodeRunner(options);
        using var independent = new CustomCodeRunner(options);
        using var stopRunaway = new CancellationTokenSource();
        var runaway = runner.RunAsync(SampleCall.Request("while (true) {}"), stopRunaway.Token);
        Assert.True(SpinWait.SpinUntil(() => runner.ActiveRuns == 1 || runaway.IsCompleted, TimeSpan.FromMinutes(1)),
            "the runaway script never started");

        var waiting = runner.RunAsync(SampleCall.Request("_result = 1;"), CancellationToken.None);
        var later = await independent.RunAsync(SampleCall.Request("_result = 2;"), CancellationToken.None);

        Assert.Equal(2, later.Score);
        Assert.False(waiting.IsCompleted);
        Assert.False(runaway.IsCompleted);
        stopRunaway.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runaway);
        Assert.Equal(1, (await waiting.WaitAsync(TimeSpan.FromMinutes(1))).Score);
    }
}
