using System.Text.Json.Nodes;
using Cekura.Ingest.Providers.Vapi;
using static Cekura.Ingest.Tests.Transcripts.ParserProperties;

namespace Cekura.Ingest.Tests.Providers.Vapi;

public sealed class VapiTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly VapiTranscriptParser Parser = new();

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20251017);
        var outcomes = Run(Cases, i => (random.Random.Next(2) == 0 ? random.Transcript() : random.Value())?.ToJsonString() ?? "null", ParsesCanonical(Parser, "vapi"));

        Assert.True(outcomes.Rejected > 50, $"only {outcomes.Rejected} values rejected");
    }

    [Fact]
    public void Mutated_vapi_payloads_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(7031);
        var outcomes = Run(Cases, i => Mutated(VapiFixtures.All[i % VapiFixtures.All.Length], random, DropOrReplaceInContainer), ParsesCanonical(Parser, "vapi"));

        // The generator must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} mutated payloads parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} mutated payloads rejected");
    }
}
