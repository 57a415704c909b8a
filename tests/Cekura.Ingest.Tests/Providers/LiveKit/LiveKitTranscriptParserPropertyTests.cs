using System.Text.Json.Nodes;
using Cekura.Ingest.Providers.LiveKit;
using static Cekura.Ingest.Tests.Transcripts.ParserProperties;

namespace Cekura.Ingest.Tests.Providers.LiveKit;

public sealed class LiveKitTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly LiveKitTranscriptParser Parser = new();

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20251106);
        var outcomes = Run(Cases, i => (random.Random.Next(4) switch
        {
            0 => random.Value(),
            1 => random.Transcript(),
            2 => new JsonObject { ["items"] = random.Transcript() },
            _ => new JsonObject { ["audio_recording_started_at"] = random.Value(3), ["chat_history"] = new JsonObject { ["items"] = random.Transcript() } },
        })?.ToJsonString() ?? "null", ParsesCanonical(Parser));

        Assert.True(outcomes.Rejected > 100, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_fixtures_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(7702);
        var outcomes = Run(Cases, i => Mutated(LiveKitFixtures.All[i % LiveKitFixtures.All.Length], random, DropNullOrReplaceSlot), ParsesCanonical(Parser));

        // The mutations must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_documented_list_forms_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(2026);
        var outcomes = Run(1000, _ => Mutated(LiveKitFixtures.DocumentedListForm, random, DropNullOrReplaceSlot), ParsesCanonical(Parser));

        Assert.True(outcomes.Parsed > 100, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 100, $"only {outcomes.Rejected} rejected");
    }
}
