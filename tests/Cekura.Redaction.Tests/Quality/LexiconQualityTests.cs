using Cekura.Redaction.Analysis;
using Cekura.Redaction.Recognizers;
using Xunit.Abstractions;

namespace Cekura.Redaction.Tests.Quality;

/// <summary>
/// Precision and recall of the lexicon recognizers on the labelled corpus, for the free-text types only (the
/// structured recognizers are measured by their own test). Run with
/// <c>dotnet test --filter LexiconQualityTests --logger "console;verbosity=detailed"</c> to see the table.
/// </summary>
public sealed class LexiconQualityTests(ITestOutputHelper output)
{
    private static readonly string[] FreeTextTypes =
        ["person_name", "location", "origin", "occupation", "medical_professional", "event", "physical_attribute", "gender_sexuality"];

    [Fact]
    public void Free_text_types_reach_the_precision_and_recall_floor_on_the_corpus()
    {
        var analyzer = new PiiAnalyzer(LexiconRecognizers.Create());
        var lines = Corpus.Load()
            .Where(l => l.Entities.Any(e => FreeTextTypes.Contains(e.Type)) || l.RequestedTypes.Overlaps(FreeTextTypes))
            .ToList();

        var report = CorpusScorer.Score(lines, analyzer.Analyze);

        var scores = FreeTextTypes.Select(t => report.PerType.SingleOrDefault(s => s.Type == t) ?? new TypeScore(t, 0, 0, 0)).ToList();
        output.WriteLine($"{lines.Count} corpus lines");
        foreach (var score in scores)
        {
            output.WriteLine(score.ToString());
        }
        foreach (var mistake in report.Mistakes.Where(m => FreeTextTypes.Any(t => m.Contains($" {t} ", StringComparison.Ordinal))))
        {
            output.WriteLine(mistake);
        }
        Assert.All(scores, s => Assert.True(s.TruePositives >= 8, $"{s.Type}: the corpus needs more positive examples ({s.TruePositives})"));
        var failures = scores
            .Where(s => s.Precision < Floor(s.Type) || s.Recall < Floor(s.Type))
            .Select(s => $"{s} is below {Floor(s.Type):0.00}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Names and places are the most frequent free-text PII in calls, so their bar is higher.</summary>
    private static double Floor(string type) => type is "person_name" or "location" ? 0.85 : 0.8;
}
