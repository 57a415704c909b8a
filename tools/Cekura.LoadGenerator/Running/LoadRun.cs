using System.Globalization;
using Cekura.LoadGenerator.Calls;
using Cekura.LoadGenerator.Measuring;
using Cekura.LoadGenerator.Reporting;

namespace Cekura.LoadGenerator.Running;

/// <summary>The whole run: the no-op ceiling, the ingest phases of the plan, the drain after each, and the report.</summary>
public sealed class LoadRun(LoadOptions options, HttpClient http, TextWriter log)
{
    /// <summary>Distinct calls generated up front; the sends cycle through them with new call_ids.</summary>
    public const int PoolSize = 240;

    public string RunId { get; } = options.RunId ?? "load-" + DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
    public List<PhaseResult> Phases { get; } = [];
    public Dictionary<PhaseResult, ChainStatistics> Chains { get; } = [];

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var pool = new CallFactory(options).Pool(PoolSize);
        var meanBody = options.Plan == LoadPlan.Spans
            ? (await new SpanExports(options.SpansPerExport, options.Seed).Body(0).ReadAsByteArrayAsync(cancellationToken)).LongLength
            : (long)pool.Average(t => t.BodyBytes);
        Log($"{RunId}: {options.Describe()}; {pool.Count(t => t.HasRecording)} of {pool.Count} pooled calls carry a recording, mean body {meanBody / 1024.0:0.0} KB");
        var tracker = new CompletionTracker(http, TimeSpan.FromSeconds(options.PollInterval));
        var sender = new Sender(http, pool, RunId, TimeSpan.FromSeconds(options.RequestTimeout), options.Completion ? tracker.Add : null);
        var runner = new PhaseRunner(sender, options.MaxInFlight);
        // Warm-up calls are not followed: the sender is told of accepted calls only once measuring starts.
        var warmupSender = new Sender(http, pool, RunId + "-warmup", TimeSpan.FromSeconds(options.RequestTimeout));
        var warmupRunner = new PhaseRunner(warmupSender, options.MaxInFlight);
        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var polling = options.Completion ? tracker.RunAsync(stopPolling.Token) : Task.CompletedTask;

        async Task<PhaseResult> Phase(string name, bool noOp, Func<Task<PhaseResult>> run)
        {
            Log($"{name}: starting");
            var phase = await run();
            phase.BodyBytes = meanBody;
            Phases.Add(phase);
            var p = phase.Latency;
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {phase.Accepted} accepted of {phase.Sent} in {phase.Seconds:0.0} s = {phase.AcceptedPerSecond:0.0}/s, p50 {p.At(50):0.0} ms, p99 {p.At(99):0.0} ms, errors {phase.ErrorCount}"));
            if (!noOp && options.Completion && options.Plan != LoadPlan.Spans)
            {
                await tracker.DrainAsync(phase.Calls, TimeSpan.FromSeconds(options.DrainTimeout), TimeSpan.FromSeconds(options.StallSeconds),
                    (done, total) => Log($"{name}: {done}/{total} evaluated"));
                Chains[phase] = new ChainStatistics(tracker.For(phase.Calls));
            }
            return phase;
        }

        if (options.Warmup > 0 && options.Plan != LoadPlan.Spans)
        {
            var warming = Math.Min(4, options.Concurrency);
            Log($"warm-up: {options.Warmup} s per endpoint, {warming} at a time (not reported)");
            if (options.NoOp) await warmupRunner.ClosedLoopAsync("warm-up", true, warming, options.Warmup, cancellationToken);
            var warm = await warmupRunner.ClosedLoopAsync("warm-up", false, warming, options.Warmup, cancellationToken);
            if (options.Completion)
            {
                // The chain finishes the warm-up's calls before anything is measured: a backlog left from it would
                // share the cores with the no-op phase and lower the ceiling the run is compared with.
                tracker.Add(warm.Calls);
                await tracker.DrainAsync(warm.Calls, TimeSpan.FromSeconds(options.DrainTimeout), TimeSpan.FromSeconds(options.StallSeconds),
                    (done, total) => Log($"warm-up: {done}/{total} evaluated"));
            }
        }
        var seconds = options.Duration;
        switch (options.Plan)
        {
            case LoadPlan.Rate:
                if (options.NoOp) await Phase("no-op", true, () => runner.OpenLoopAsync("no-op", true, options.Rate, seconds, cancellationToken));
                await Phase("ingest", false, () => runner.OpenLoopAsync("ingest", false, options.Rate, seconds, cancellationToken));
                break;
            case LoadPlan.Spans:
                await RunSpansAsync(Phase, pool, cancellationToken);
                break;
            case LoadPlan.Concurrency:
                if (options.NoOp) await Phase("no-op", true, () => runner.ClosedLoopAsync("no-op", true, options.Concurrency, seconds, cancellationToken));
                await Phase("ingest", false, () => runner.ClosedLoopAsync("ingest", false, options.Concurrency, seconds, cancellationToken));
                break;
            default:
                if (options.NoOp) await Phase("no-op", true, () => runner.ClosedLoopAsync("no-op", true, options.Concurrency, seconds, cancellationToken));
                var max = await Phase("ingest max", false, () => runner.ClosedLoopAsync("ingest max", false, options.Concurrency, seconds, cancellationToken));
                var half = options.Rate > 0 ? options.Rate : Math.Max(0.5, Math.Round(max.AcceptedPerSecond / 2, 1));
                await Phase("ingest half", false, () => runner.OpenLoopAsync("ingest half", false, half, options.HalfDuration, cancellationToken));
                break;
        }
        await stopPolling.CancelAsync();
        await polling;
        if (tracker.PollErrors > 0)
        {
            Log($"{tracker.PollErrors} completion polls failed");
        }
        var report = MarkdownReport.Write(options, RunId, Phases, Chains);
        return options.Plan == LoadPlan.Spans ? report + SpansSummary() : report;
    }

    /// <summary>
    /// <c>--plan spans</c>: the no-op endpoint and the OTLP receiver, closed-loop at the same concurrency with the same
    /// export bodies, so their ratio is what receiving, decoding and storing spans costs over the gateway alone.
    /// </summary>
    private async Task RunSpansAsync(
        Func<string, bool, Func<Task<PhaseResult>>, Task<PhaseResult>> phase, IReadOnlyList<CallTemplate> pool, CancellationToken cancellationToken)
    {
        var exports = new SpanExports(options.SpansPerExport, options.Seed);
        var sender = new Sender(http, pool, RunId + "-spans", TimeSpan.FromSeconds(options.RequestTimeout), spans: exports);
        var runner = new PhaseRunner(sender, options.MaxInFlight, successStatus: "200");
        if (options.Warmup > 0)
        {
            await runner.ClosedLoopAsync("warm-up", false, Math.Min(4, options.Concurrency), options.Warmup, cancellationToken);
        }
        if (options.NoOp)
        {
            await phase("no-op (spans)", true, () => runner.ClosedLoopAsync("no-op (spans)", true, options.Concurrency, options.Duration, cancellationToken));
        }
        await phase("spans", false, () => runner.ClosedLoopAsync("spans", false, options.Concurrency, options.Duration, cancellationToken));
    }

    private string SpansSummary()
    {
        var spans = Phases.Last();
        var noOp = Phases.FirstOrDefault(p => p.NoOp);
        var perSecond = spans.AcceptedPerSecond * options.SpansPerExport;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"\n**Spans ingested: {perSecond:0} spans/s** ({spans.AcceptedPerSecond:0.0} exports/s of {options.SpansPerExport} spans, OTLP/JSON, concurrency {options.Concurrency})");
        if (noOp is not null && noOp.AcceptedPerSecond > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $"; the no-op endpoint took the same bodies at {noOp.AcceptedPerSecond:0.0}/s, so spans run at {spans.AcceptedPerSecond / noOp.AcceptedPerSecond:P0} of the gateway's ceiling");
        }
        Log(line.Trim());
        return line + ".\n";
    }

    private void Log(string line) => log.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {line}");
}
