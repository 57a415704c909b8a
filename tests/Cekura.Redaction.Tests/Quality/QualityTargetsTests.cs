using Xunit.Abstractions;

namespace Cekura.Redaction.Tests.Quality;

public sealed class QualityTargetsTests(ITestOutputHelper output)
{
    [Fact]
    public void Structured_recognizers_meet_their_precision_and_recall_targets_on_the_corpus()
    {
        var report = QualityTargets.Measure(Corpus.Load());
        foreach (var line in QualityTargets.Table(report))
        {
            output.WriteLine(line);
        }
        foreach (var mistake in report.Mistakes)
        {
            output.WriteLine(mistake);
        }

        var below = report.PerType
            .Where(s => s.Precision < QualityTargets.TargetFor(s.Type).Precision || s.Recall < QualityTargets.TargetFor(s.Type).Recall)
            .Select(s => s.ToString()).ToList();
        Assert.Empty(below);
    }

    [Fact]
    public void All_recognizers_together_meet_the_targets_for_every_type_on_the_whole_corpus()
    {
        var lines = Corpus.Load();
        var report = QualityTargets.MeasureAll(lines);
        output.WriteLine($"{lines.Count} corpus lines, every recognizer");
        foreach (var line in QualityTargets.ProductTable(report))
        {
            output.WriteLine(line);
        }
        report.Mistakes.ToList().ForEach(output.WriteLine);

        Assert.True(lines.Count >= 400, $"{lines.Count} corpus lines");
        Assert.Equal(Cekura.Contracts.Redaction.RedactionEntities.All.Order(), report.PerType.Select(s => s.Type).Order());
        var below = report.PerType
            .Where(s => s.Precision < QualityTargets.ProductTargetFor(s.Type).Precision || s.Recall < QualityTargets.ProductTargetFor(s.Type).Recall)
            .Select(s => s.ToString()).ToList();
        Assert.True(below.Count == 0, string.Join(Environment.NewLine, below));
    }

    [Fact]
    public void The_corpus_has_every_owned_type_in_enough_lines()
    {
        var lines = Corpus.Load().Where(l => l.Source.StartsWith("structured", StringComparison.Ordinal)).ToList();

        Assert.True(lines.Count >= 320, $"{lines.Count} structured lines");
        foreach (var type in QualityTargets.Owned)
        {
            Assert.True(lines.Count(l => l.Entities.Any(e => e.Type == type)) >= 5, $"{type} has fewer than 5 lines");
        }
        Assert.True(lines.Count(l => l.Entities.Count == 0) >= 30, "fewer than 30 hard negatives");
    }
}
