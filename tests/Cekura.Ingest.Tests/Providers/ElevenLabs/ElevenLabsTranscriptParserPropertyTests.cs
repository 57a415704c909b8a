using System.Text.Json.Nodes;
using Cekura.Ingest.Providers.ElevenLabs;
using static Cekura.Ingest.Tests.Transcripts.ParserProperties;

namespace Cekura.Ingest.Tests.Providers.ElevenLabs;

public sealed class ElevenLabsTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly ElevenLabsTranscriptParser Parser = new();

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20251017);
        var outcomes = Run(Cases, i => (random.Random.Next(3) switch
        {
            0 => random.Value(),
            1 => random.Transcript(),
            _ => new JsonObject { ["transcript"] = random.Transcript() },
        })?.ToJsonString() ?? "null", ParsesCanonical(Parser));

        Assert.True(outcomes.Rejected > 100, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_fixtures_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(4101);
        var outcomes = Run(Cases, i => Mutated(ElevenLabsFixtures.All[i % ElevenLabsFixtures.All.Length], random, DropNullOrReplaceSlot), ParsesCanonical(Parser));

        // The mutations must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} rejected");
    }
}
