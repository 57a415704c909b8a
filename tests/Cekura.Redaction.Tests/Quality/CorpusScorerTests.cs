using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Tests.Quality;

public sealed class CorpusScorerTests
{
    [Fact]
    public void A_span_covering_half_of_a_gold_span_of_its_type_is_a_hit_and_anything_else_counts_against()
    {
        var line = new CorpusLine("t:1", "call 555 0100 or mail a@b.co", null,
            [new CorpusEntity("phone_number", "555 0100"), new CorpusEntity("email_address", "a@b.co")]);

        var report = CorpusScorer.Score([line], (_, _) =>
            [new PiiSpan(5, 4, "phone_number", 1, "t"), new PiiSpan(0, 4, "person_name", 1, "t")]);

        var phone = report.PerType.Single(t => t.Type == "phone_number");
        Assert.Equal((1, 0, 0), (phone.TruePositives, phone.FalsePositives, phone.FalseNegatives));
        Assert.Equal((0, 0, 1), Counts(report.PerType.Single(t => t.Type == "email_address")));
        Assert.Equal((0, 1, 0), Counts(report.PerType.Single(t => t.Type == "person_name")));
        Assert.Equal(0.5, report.Overall.Precision);
        Assert.Equal(2, report.Mistakes.Count);
    }

    private static (int, int, int) Counts(TypeScore s) => (s.TruePositives, s.FalsePositives, s.FalseNegatives);
}
