using System.Collections.Concurrent;

namespace Cekura.Speech.Threading;

/// <summary>
/// Runs tasks on a few dedicated threads whose nice value is raised (see <see cref="ThreadNice"/>), so CPU-heavy
/// background work in a process that also answers requests takes the cores only when the requests leave them idle.
/// An <c>await</c> inside such a task resumes on these threads too (it captures the current scheduler), and a child
/// process started from one (ffmpeg) inherits its nice value.
/// </summary>
/// <remarks>
/// Why: in the embedded deployment the transcription stage decodes recordings and runs voice activity on the same two
/// cores as ingest. At equal priority a request that arrived during an analysis waited for its time slice behind it,
/// which set the POST p99 of mixed traffic. A nice value of 10 gives a thread about a tenth of the weight of a
/// normal one when both want a core, and everything when the core is free.
/// </remarks>
public sealed class LowPriorityScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> queue = new();
    private readonly ThreadLocal<bool> onOwnThread = new();
    private readonly Thread[] threads;
    private readonly int nice;
    private readonly bool idle;
    private string? priorityProblem;

    /// <param name="threadCount">Dedicated threads; at most this many tasks run at once.</param>
    /// <param name="nice">Nice value for the threads, 0 (unchanged) to 19 (lowest).</param>
    /// <param name="name">Thread name prefix (seen in <c>top -H</c> and dumps).</param>
    /// <param name="idle">Also put the threads under <c>SCHED_IDLE</c> (see <see cref="ThreadNice.TrySetIdleCurrent"/>).</param>
    public LowPriorityScheduler(int threadCount, int nice, string name, bool idle = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nice);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, 19);
        this.nice = nice;
        this.idle = idle;
        using var started = new CountdownEvent(threadCount);
        threads = Enumerable.Range(0, threadCount)
            .Select(i => new Thread(() => Run(started)) { IsBackground = true, Name = $"{name} {i}" })
            .ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }
        // Each thread sets its own priority; waiting here makes PriorityProblem final once the constructor returns.
        started.Wait();
    }

    /// <summary>Why the threads run at normal priority after all (not Linux, or refused); null when lowered.</summary>
    public string? PriorityProblem => priorityProblem;

    public override int MaximumConcurrencyLevel => threads.Length;

    /// <summary>
    /// Runs <paramref name="work"/> (and every continuation it awaits) on this scheduler's threads. The caller resumes
    /// on the thread pool, never inline on one of these threads: its own work would otherwise carry on at low priority
    /// and hold a thread the next analysis is waiting for.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) =>
        await Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, this).Unwrap()
            .ConfigureAwait(ConfigureAwaitOptions.ForceYielding);

    protected override void QueueTask(Task task) => queue.Add(task);

    // A task may run inline only on one of these threads: inlining on a caller's thread would run it at the caller's
    // priority, which is what this scheduler exists to avoid.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        onOwnThread.Value && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

    /// <summary>
    /// Stops taking tasks; the threads run what is queued and end. Their resources are released only if they end
    /// within a few seconds: a thread still inside a task would otherwise touch a disposed queue, and the threads are
    /// background threads, so they never hold up the process's exit.
    /// </summary>
    public void Dispose()
    {
        queue.CompleteAdding();
        if (threads.All(thread => thread.Join(TimeSpan.FromSeconds(5))))
        {
            queue.Dispose();
            onOwnThread.Dispose();
        }
    }

    private void Run(CountdownEvent started)
    {
        onOwnThread.Value = true;
        if (nice > 0 && ThreadNice.TrySetCurrent(nice) is { } problem)
        {
            Interlocked.CompareExchange(ref priorityProblem, problem, null);
        }
        if (idle && ThreadNice.TrySetIdleCurrent() is { } idleProblem)
        {
            Interlocked.CompareExchange(ref priorityProblem, idleProblem, null);
        }
        started.Signal();
        foreach (var task in queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
