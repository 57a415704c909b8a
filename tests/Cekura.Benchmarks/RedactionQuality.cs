using System.Diagnostics;
using Cekura.Contracts.Redaction;
using Cekura.Redaction.Analysis;
using Cekura.Redaction.Recognizers;
using Cekura.Redaction.Tests.Quality;

namespace Cekura.Benchmarks;

/// <summary>
/// Precision/recall per entity type of every recognizer the redaction stage runs, on the whole labelled corpus (the
/// table the quality test asserts on), then the analysis time of a 150-turn call with all 29 types requested, on one
/// thread, per recognizer and in total.
///   dotnet run -c Release --project tests/Cekura.Benchmarks -- redaction-quality [mistakes]
/// </summary>
public static class RedactionQuality
{
    public static int Run(string[] args)
    {
        var lines = Corpus.Load();
        var report = QualityTargets.MeasureAll(lines);
        Console.WriteLine($"{lines.Count} corpus lines, {lines.Sum(l => l.Entities.Count)} labelled spans, every recognizer");
        foreach (var row in QualityTargets.ProductTable(report))
        {
            Console.WriteLine(row);
        }
        if (args.Contains("mistakes"))
        {
            report.Mistakes.ToList().ForEach(Console.WriteLine);
        }

        // A 10-minute call: 150 turns of realistic length drawn from the corpus, every type requested.
        var turns = Enumerable.Range(0, 150).Select(i => lines[i * 7 % lines.Count].Text).ToArray();
        // Warm the JIT up (tiered compilation promotes hot methods after a few hundred calls), then per recognizer,
        // then the whole analyzer.
        IReadOnlyList<IPiiRecognizer> recognizers = [.. StructuredRecognizers.Create(), .. LexiconRecognizers.Create()];
        var analyzer = new PiiAnalyzer(recognizers);
        var context = new RecognizerContext(new HashSet<string>(RedactionEntities.All));
        for (var round = 0; round < 100; round++)
        {
            foreach (var turn in turns)
            {
                analyzer.Analyze(turn, context);
            }
        }
        foreach (var recognizer in recognizers)
        {
            var watch = Stopwatch.StartNew();
            for (var round = 0; round < 20; round++)
            {
                foreach (var turn in turns)
                {
                    recognizer.Find(turn, context).Count();
                }
            }
            Console.WriteLine($"  {recognizer.GetType().Name,-34} {watch.Elapsed.TotalMilliseconds / 20:0.00} ms per call");
        }
        var samples = new List<double>();
        for (var round = 0; round < 100; round++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var turn in turns)
            {
                analyzer.Analyze(turn, context);
            }
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        samples = samples.Order().ToList();
        Console.WriteLine($"150-turn call ({turns.Sum(t => t.Length) / 1024.0:0.0} KB), all 29 types, every recognizer: median {samples[samples.Count / 2]:0.00} ms, p90 {samples[samples.Count * 9 / 10]:0.00} ms");
        return report.PerType.Any(s => s.Precision < QualityTargets.ProductTargetFor(s.Type).Precision
            || s.Recall < QualityTargets.ProductTargetFor(s.Type).Recall) ? 1 : 0;
    }
}
