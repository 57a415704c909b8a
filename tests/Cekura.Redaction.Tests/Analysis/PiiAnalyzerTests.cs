using Cekura.Redaction.Analysis;
using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Tests.Analysis;

public sealed class PiiAnalyzerTests
{
    private static PiiSpan S(int start, int length, string type, double score) => new(start, length, type, score, "test");

    [Fact]
    public void Overlapping_spans_keep_the_higher_score_then_the_longer()
    {
        var kept = PiiAnalyzer.Resolve([S(0, 10, "account_number", 0.6), S(2, 4, "date", 0.9), S(5, 8, "phone_number", 0.9), S(20, 3, "age", 0.5)]);

        Assert.Equal([S(5, 8, "phone_number", 0.9), S(20, 3, "age", 0.5)], kept);
    }

    [Fact]
    public void Only_requested_types_are_returned()
    {
        var analyzer = new PiiAnalyzer([new Fixed(S(0, 4, "money", 1), S(5, 4, "time", 1))]);

        var spans = analyzer.Analyze("$100 5 pm", new RecognizerContext(new HashSet<string> { "time" }));

        Assert.Equal([S(5, 4, "time", 1)], spans);
    }

    /// <summary>A recognizer that reports fixed spans, to test how the analyzer combines them.</summary>
    private sealed class Fixed(params PiiSpan[] spans) : IPiiRecognizer
    {
        public IReadOnlyCollection<string> EntityTypes => spans.Select(s => s.EntityType).Distinct().ToList();

        public IEnumerable<PiiSpan> Find(string text, RecognizerContext context) => spans;
    }
}
