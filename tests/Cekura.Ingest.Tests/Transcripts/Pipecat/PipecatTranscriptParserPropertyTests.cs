using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Transcripts.Pipecat;

namespace Cekura.Ingest.Tests.Transcripts.Pipecat;

public sealed class PipecatTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly PipecatTranscriptParser Parser = new();

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20251104);
        var outcomes = Run(random, () => (random.Random.Next(3) switch
        {
            0 => random.Value(),
            1 => random.Transcript(),
            _ => new JsonObject { ["messages"] = random.Transcript(), ["context"] = random.Random.Next(2) == 0 ? random.Transcript() : null },
        })?.ToJsonString() ?? "null");

        Assert.True(outcomes.Rejected > 50, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_valid_payloads_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(1760710083);
        var outcomes = Run(random, () =>
        {
            var node = JsonNode.Parse(PipecatFixtures.All[random.Random.Next(PipecatFixtures.All.Length)]);
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
            using var document = JsonDocument.Parse(json);
            try
            {
                var entries = Parser.Parse(document.RootElement);
                foreach (var e in entries)
                {
                    Assert.Contains(e.Role, TranscriptRoles.All);
                    Assert.False(e.StartTime is { } s && (s < 0 || !double.IsFinite(s)), json);
                    Assert.False(e.EndTime is { } end && (end < 0 || !double.IsFinite(end) || end < e.StartTime), json);
                    Assert.Equal(e.IsSpeech, e.Data is null);
                    Assert.True(e.IsSpeech || e.Content == "", json);
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
        var parent = node.Parent!;
        switch (random.Random.Next(4))
        {
            case 0 when parent is JsonObject obj:
                obj.Remove(node.GetPropertyName());
                break;
            case 0 when parent is JsonArray array:
                array.RemoveAt(node.GetElementIndex());
                break;
            case 1:
                Replace(node, random.Value(2));
                break;
            case 2:
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
