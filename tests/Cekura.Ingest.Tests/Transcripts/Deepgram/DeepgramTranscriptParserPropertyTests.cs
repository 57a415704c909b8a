using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Transcripts.Deepgram;

namespace Cekura.Ingest.Tests.Transcripts.Deepgram;

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
        var outcomes = Run(random, () => (random.Random.Next(3) switch
        {
            0 => random.Value(),
            1 => new JsonObject { ["results"] = random.Value() },
            _ => new JsonObject { ["results"] = new JsonObject { ["utterances"] = random.Transcript(), ["channels"] = random.Value(1) } },
        })?.ToJsonString() ?? "null");

        Assert.True(outcomes.Rejected > 50, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_valid_responses_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(56590);
        var outcomes = Run(random, () =>
        {
            var node = JsonNode.Parse(DeepgramFixtures.All[random.Random.Next(DeepgramFixtures.All.Length)]);
            for (var m = random.Random.Next(1, 4); m > 0; m--)
            {
                node = Mutate(node, random);
            }
            return node?.ToJsonString() ?? "null";
        });

        // The mutations must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} rejected");
    }

    private static (int Parsed, int Rejected) Run(RandomJson random, Func<string> next)
    {
        int parsed = 0, rejected = 0;
        for (var i = 0; i < Cases; i++)
        {
            var json = next();
            var context = new TranscriptContext { MainAgentChannelIndex = AgentIndexes[random.Random.Next(AgentIndexes.Length)] };
            using var document = JsonDocument.Parse(json);
            try
            {
                var result = Parser.ParseDetailed(document.RootElement, context);
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
                parsed++;
            }
            catch (TranscriptFormatException e)
            {
                Assert.NotEmpty(e.Problems);
                Assert.True(e.Problems.Count <= 20, json);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i}: {e.GetType().Name}: {e.Message}\n{json}");
            }
        }
        return (parsed, rejected);
    }

    /// <summary>Drops, replaces, nulls or stringifies one random node (sometimes the root).</summary>
    private static JsonNode? Mutate(JsonNode? root, RandomJson random)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count <= 1 || random.Random.Next(50) == 0)
        {
            return random.Value();
        }
        var node = nodes[random.Random.Next(1, nodes.Count)];
        switch (random.Random.Next(4))
        {
            case 0 when node.Parent is JsonObject obj:
                obj.Remove(node.GetPropertyName());
                break;
            case 0 when node.Parent is JsonArray array:
                array.RemoveAt(node.GetElementIndex());
                break;
            case 1:
                Replace(node, random.Value(2));
                break;
            case 2:
                // Numbers become strings (a leniency), strings get a suffix.
                Replace(node, JsonValue.Create(node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() + "x" : node.ToJsonString()));
                break;
            default:
                Replace(node, null);
                break;
        }
        return root;
    }

    private static void Replace(JsonNode node, JsonNode? replacement)
    {
        switch (node.Parent)
        {
            case JsonObject obj:
                obj[node.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[node.GetElementIndex()] = replacement;
                break;
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    Collect(child, nodes);
                }
                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    Collect(child, nodes);
                }
                break;
        }
    }
}
