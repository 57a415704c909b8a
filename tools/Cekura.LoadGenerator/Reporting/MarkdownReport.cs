using System.Globalization;
using System.Text;
using Cekura.LoadGenerator.Measuring;

namespace Cekura.LoadGenerator.Reporting;

/// <summary>The run as markdown tables, ready to paste into the README.</summary>
public static class MarkdownReport
{
    public static string Write(LoadOptions options, string runId, IReadOnlyList<PhaseResult> phases, IReadOnlyDictionary<PhaseResult, ChainStatistics> chains)
    {
        var s = new StringBuilder();
        var noOp = phases.FirstOrDefault(p => p.NoOp);
        s.AppendLine(Invariant($"### Load run {runId} against {options.Url}"));
        s.AppendLine();
        s.AppendLine(Invariant($"{options.Describe()}; {Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC."));
        s.AppendLine();
        s.AppendLine("| phase | load | s | sent | accepted (201; OTLP 200) | accepted/s | × no-op | POST p50 ms | p90 ms | p99 ms | max ms | p99 ms without / with recording | errors | mean body KB | load avg |");
        s.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
        foreach (var p in phases)
        {
            var l = p.Latency;
            var ratio = noOp is null || noOp.AcceptedPerSecond == 0 ? "—" : (p.AcceptedPerSecond / noOp.AcceptedPerSecond).ToString("0.000", CultureInfo.InvariantCulture);
            var errors = p.ErrorCount == 0 ? "0" : string.Join(", ", p.Errors.Select(e => $"{e.Key}: {e.Value}"));
            s.AppendLine(Invariant($"| {p.Name} | {p.Mode} | {p.WindowSeconds ?? p.Seconds:0.0} | {p.Sent} | {p.Accepted} | {p.AcceptedPerSecond:0.0} | {ratio} | {Ms(l.At(50))} | {Ms(l.At(90))} | {Ms(l.At(99))} | {Ms(l.Max)} | {Ms(p.LatencyWithoutRecording.At(99))} / {Ms(p.LatencyWithRecording.At(99))} | {errors} | {p.BodyBytes / 1024.0:0.0} | {p.LoadAverage:0.0} |"));
        }
        if (chains.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("End to end (sent → `evaluated`, seconds; stage rates are completions/s from first to last of the phase):");
            s.AppendLine();
            s.AppendLine("| phase | accepted | evaluated | not evaluated | p50 s | p90 s | p99 s | max s | p50 s with recording | transcribed/s | evaluated/s |");
            s.AppendLine("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (p, c) in chains)
            {
                var all = c.CompletionSeconds();
                var left = c.Left.Count == 0 ? "0" : string.Join(", ", c.Left.Select(e => $"{e.Key}: {e.Value}"));
                s.AppendLine(Invariant($"| {p.Name} | {c.Calls} | {c.Evaluated} | {left} | {Sec(all.At(50))} | {Sec(all.At(90))} | {Sec(all.At(99))} | {Sec(all.Max)} | {Sec(c.CompletionSeconds(withRecording: true).At(50))} | {Rate(c.TranscribedPerSecond)} | {Rate(c.EvaluatedPerSecond)} |"));
            }
            s.AppendLine();
            s.AppendLine("Backlog: transcript-only calls sent but not yet evaluated, by time since the phase started:");
            s.AppendLine();
            s.AppendLine("| phase | 30 s | 60 s | 90 s | 120 s | end of phase | +30 s after |");
            s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (p, c) in chains)
            {
                string At(double seconds, bool after = false) => !after && seconds > p.PlannedSeconds + 0.001
                    ? "—"
                    : c.TranscriptOnlyBacklog(p.StartedAt + TimeSpan.FromSeconds(seconds)).ToString(CultureInfo.InvariantCulture);
                s.AppendLine(Invariant($"| {p.Name} | {At(30)} | {At(60)} | {At(90)} | {At(120)} | {At(p.PlannedSeconds)} | {At(p.PlannedSeconds + 30, after: true)} |"));
            }
        }
        return s.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    private static string Ms(double v) => double.IsNaN(v) ? "—" : v.ToString(v < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
    private static string Sec(double v) => double.IsNaN(v) ? "—" : v.ToString("0.00", CultureInfo.InvariantCulture);
    private static string Rate(double v) => double.IsNaN(v) ? "—" : v.ToString("0.0", CultureInfo.InvariantCulture);
}
