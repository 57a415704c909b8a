using System.Text.Json.Nodes;
using Cekura.Ingest.Providers.Retell;
using static Cekura.Ingest.Tests.Transcripts.ParserProperties;

namespace Cekura.Ingest.Tests.Providers.Retell;

public sealed class RetellTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly RetellTranscriptParser Parser = new();

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20251018);
        var outcomes = Run(Cases, i => (random.Random.Next(2) == 0 ? random.Transcript() : random.Value())?.ToJsonString() ?? "null", ParsesCanonical(Parser, "retell"));

        Assert.True(outcomes.Rejected > 50, $"only {outcomes.Rejected} values rejected");
    }

    [Fact]
    public void Mutated_retell_payloads_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(9127);
        var outcomes = Run(Cases, i => Mutated(RetellFixtures.All[i % RetellFixtures.All.Length], random, DropOrReplaceInContainer), ParsesCanonical(Parser, "retell"));

        // The generator must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} mutated payloads parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} mutated payloads rejected");
    }
}
