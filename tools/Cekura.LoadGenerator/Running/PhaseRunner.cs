using System.Diagnostics;
using System.Globalization;
using Cekura.LoadGenerator.Measuring;

namespace Cekura.LoadGenerator.Running;

/// <summary>Runs one phase open-loop (fixed rate) or closed-loop (fixed concurrency).</summary>
/// <param name="successStatus">The status of an accepted request in a phase that is not the no-op (which answers 201).</param>
public sealed class PhaseRunner(Sender sender, int maxInFlight, string successStatus = "201")
{
    public async Task<PhaseResult> OpenLoopAsync(string name, bool noOp, double rate, double seconds, CancellationToken cancellationToken)
    {
        var schedule = new OpenLoopSchedule(rate, seconds);
        var phase = new PhaseResult(name, string.Create(CultureInfo.InvariantCulture, $"rate {rate:0.#}/s"), noOp)
        {
            PlannedSeconds = seconds, SuccessStatus = noOp ? "201" : successStatus,
        };
        var inFlight = new List<Task>();
        var running = 0;
        var start = Stopwatch.GetTimestamp();
        phase.StartedAt = DateTimeOffset.UtcNow;
        long next = 0;
        while (next < schedule.Count && !cancellationToken.IsCancellationRequested)
        {
            var due = schedule.DueBy(Stopwatch.GetElapsedTime(start).TotalSeconds);
            for (; next < due; next++)
            {
                var dueTimestamp = start + (long)(schedule.DueAt(next) * Stopwatch.Frequency);
                var dueAt = phase.StartedAt + TimeSpan.FromSeconds(schedule.DueAt(next));
                if (Volatile.Read(ref running) >= maxInFlight)
                {
                    phase.RecordDropped();
                    continue;
                }
                Interlocked.Increment(ref running);
                inFlight.Add(Task.Run(async () =>
                {
                    try { await sender.SendAsync(phase, dueTimestamp, dueAt); }
                    finally { Interlocked.Decrement(ref running); }
                }, CancellationToken.None));
            }
            if (next < schedule.Count)
            {
                var wait = schedule.DueAt(next) - Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (wait > 0.002)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait - 0.001), CancellationToken.None);
                }
                else if (wait > 0)
                {
                    await Task.Yield();
                }
            }
        }
        // The phase lasts as long as its schedule, or until the last answer when the server fell behind it.
        phase.Seconds = schedule.Count / rate;
        await Task.WhenAll(inFlight);
        phase.Seconds = Math.Max(phase.Seconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
        phase.LoadAverage = LoadAverage.Read();
        return phase;
    }

    public async Task<PhaseResult> ClosedLoopAsync(string name, bool noOp, int concurrency, double seconds, CancellationToken cancellationToken)
    {
        var phase = new PhaseResult(name, string.Create(CultureInfo.InvariantCulture, $"concurrency {concurrency}"), noOp)
        {
            PlannedSeconds = seconds, SuccessStatus = noOp ? "201" : successStatus,
        };
        var start = Stopwatch.GetTimestamp();
        phase.StartedAt = DateTimeOffset.UtcNow;
        var end = start + (long)(seconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                await sender.SendAsync(phase, Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow, end);
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        // Closed loop: the last answers arrive after the deadline; throughput counts only the window before it.
        phase.Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        phase.WindowSeconds = seconds;
        phase.LoadAverage = LoadAverage.Read();
        return phase;
    }
}
