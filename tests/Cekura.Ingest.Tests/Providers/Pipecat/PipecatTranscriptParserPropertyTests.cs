using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Ingest.Providers.Pipecat;
using static Cekura.Ingest.Tests.Transcripts.ParserProperties;

namespace Cekura.Ingest.Tests.Providers.Pipecat;

public sealed class PipecatTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly PipecatTranscriptParser Parser = new();

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20251104);
        var outcomes = Run(Cases, _ => (random.Random.Next(3) switch
        {
            0 => random.Value(),
            1 => random.Transcript(),
            _ => new JsonObject { ["messages"] = random.Transcript(), ["context"] = random.Random.Next(2) == 0 ? random.Transcript() : null },
        })?.ToJsonString() ?? "null", ParsesLooselyCanonical);

        Assert.True(outcomes.Rejected > 50, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_valid_payloads_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(1760710083);
        var outcomes = Run(Cases, _ => Mutated(PipecatFixtures.All[random.Random.Next(PipecatFixtures.All.Length)], random, DropReplaceNullOrStringifyNode), ParsesLooselyCanonical);

        // The mutations must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_documented_tool_entries_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(2027);
        var outcomes = Run(1000, _ => Mutated(PipecatFixtures.DocumentedToolEntries, random, DropReplaceNullOrStringifyNode), ParsesLooselyCanonical);

        Assert.True(outcomes.Parsed > 100, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 100, $"only {outcomes.Rejected} rejected");
    }

    private static void ParsesLooselyCanonical(JsonElement root, string json) => AssertLooselyCanonical(Parser.Parse(root), json);
}
