using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Deepgram;
using static Cekura.Ingest.Tests.Transcripts.ParserProperties;

namespace Cekura.Ingest.Tests.Providers.Deepgram;

public sealed class DeepgramTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly DeepgramTranscriptParser Parser = new();
    private static readonly int?[] AgentIndexes = [null, null, 0, 1, 2, -1, int.MaxValue];
    private static readonly string[] Rules = ["main_agent_channel_index", "greeting", "first_speaker"];

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20260211);
        var outcomes = Run(Cases, _ => (random.Random.Next(3) switch
        {
            0 => random.Value(),
            1 => new JsonObject { ["results"] = random.Value() },
            _ => new JsonObject { ["results"] = new JsonObject { ["utterances"] = random.Transcript(), ["channels"] = random.Value(1) } },
        })?.ToJsonString() ?? "null", ParsesDetailed(random));

        Assert.True(outcomes.Rejected > 50, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_valid_responses_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(56590);
        var outcomes = Run(Cases, _ => Mutated(DeepgramFixtures.All[random.Random.Next(DeepgramFixtures.All.Length)], random, DropReplaceNullOrStringifyNode), ParsesDetailed(random));

        // The mutations must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} rejected");
    }

    /// <summary>A <see cref="Run"/> step: parses under a random <c>main_agent_channel_index</c> and checks the speakers and the agent rule.</summary>
    private static Action<JsonElement, string> ParsesDetailed(RandomJson random) => (root, json) =>
    {
        var context = new TranscriptContext { MainAgentChannelIndex = AgentIndexes[random.Random.Next(AgentIndexes.Length)] };
        var result = Parser.ParseDetailed(root, context);
        Assert.NotEmpty(result.Entries);
        Assert.Contains(result.AgentRule, Rules);
        Assert.True(result.AgentIndex >= 0, json);
        Assert.Equal(context.MainAgentChannelIndex is not null, result.AgentRule == "main_agent_channel_index");
        foreach (var e in result.Entries)
        {
            Assert.True(e.IsSpeech, json);
            Assert.Null(e.Data);
            Assert.False(string.IsNullOrWhiteSpace(e.Content), json);
            Assert.True(e.StartTime is { } s && s >= 0 && double.IsFinite(s), json);
            Assert.True(e.EndTime is { } end && double.IsFinite(end) && end >= e.StartTime, json);
        }
    };
}
