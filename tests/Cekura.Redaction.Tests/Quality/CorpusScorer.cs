using System.Globalization;
using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Tests.Quality;

public sealed record TypeScore(string Type, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Type,-22} P {Precision:0.000}  R {Recall:0.000}  F1 {F1:0.000}  (tp {TruePositives}, fp {FalsePositives}, fn {FalseNegatives})");
}

public sealed record QualityReport(IReadOnlyList<TypeScore> PerType, TypeScore Overall, IReadOnlyList<string> Mistakes);

/// <summary>
/// Precision and recall of an analyzer on the corpus, per entity type. A gold span is found when a predicted span
/// of its type covers at least half of it; a predicted span that finds no gold span of its type is a false positive.
/// </summary>
public static class CorpusScorer
{
    public static QualityReport Score(IEnumerable<CorpusLine> lines, Func<string, RecognizerContext, IReadOnlyList<PiiSpan>> analyze)
    {
        var counts = new Dictionary<string, (int Tp, int Fp, int Fn)>();
        var mistakes = new List<string>();
        foreach (var line in lines)
        {
            var gold = line.Entities.SelectMany(e => Occurrences(line.Text, e.Value).Select(start => (e.Type, Start: start, End: start + e.Value.Length))).ToList();
            var predicted = analyze(line.Text, new RecognizerContext(line.RequestedTypes));
            var found = new bool[gold.Count];
            foreach (var span in predicted)
            {
                var hit = false;
                for (var g = 0; g < gold.Count; g++)
                {
                    if (gold[g].Type == span.EntityType && Covered(gold[g].Start, gold[g].End, span) * 2 >= gold[g].End - gold[g].Start)
                    {
                        found[g] = true;
                        hit = true;
                    }
                }
                if (!hit)
                {
                    Add(counts, span.EntityType, fp: 1);
                    mistakes.Add($"{line.Source}: false {span.EntityType} '{line.Text[span.Start..span.End]}' in \"{line.Text}\"");
                }
            }
            for (var g = 0; g < gold.Count; g++)
            {
                if (found[g])
                {
                    Add(counts, gold[g].Type, tp: 1);
                }
                else
                {
                    Add(counts, gold[g].Type, fn: 1);
                    mistakes.Add($"{line.Source}: missed {gold[g].Type} '{line.Text[gold[g].Start..gold[g].End]}' in \"{line.Text}\"");
                }
            }
        }
        var perType = counts.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new TypeScore(c.Key, c.Value.Tp, c.Value.Fp, c.Value.Fn)).ToList();
        var overall = new TypeScore("overall", perType.Sum(t => t.TruePositives), perType.Sum(t => t.FalsePositives), perType.Sum(t => t.FalseNegatives));
        return new QualityReport(perType, overall, mistakes);
    }

    private static int Covered(int start, int end, PiiSpan span) => Math.Max(0, Math.Min(end, span.End) - Math.Max(start, span.Start));

    private static IEnumerable<int> Occurrences(string text, string value)
    {
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            yield return i;
        }
    }

    private static void Add(Dictionary<string, (int Tp, int Fp, int Fn)> counts, string type, int tp = 0, int fp = 0, int fn = 0)
    {
        var (t, f, n) = counts.GetValueOrDefault(type);
        counts[type] = (t + tp, f + fp, n + fn);
    }
}
