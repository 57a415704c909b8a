using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Transcripts.ElevenLabs;

namespace Cekura.Ingest.Tests.Transcripts.ElevenLabs;

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
        })?.ToJsonString() ?? "null");

        Assert.True(outcomes.Rejected > 100, $"only {outcomes.Rejected} rejected");
    }

    [Fact]
    public void Mutated_fixtures_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(4101);
        var outcomes = Run(Cases, i =>
        {
            var root = JsonNode.Parse(ElevenLabsFixtures.All[i % ElevenLabsFixtures.All.Length])!;
            for (var m = random.Random.Next(1, 4); m > 0; m--)
            {
                Mutate(root, random);
            }
            return root.ToJsonString();
        });

        // The mutations must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} rejected");
    }

    private static (int Parsed, int Rejected) Run(int cases, Func<int, string> generate)
    {
        int parsed = 0, rejected = 0;
        for (var i = 0; i < cases; i++)
        {
            var json = generate(i);
            using var document = JsonDocument.Parse(json);
            try
            {
                AssertCanonical(Parser.Parse(document.RootElement), json);
                parsed++;
            }
            catch (TranscriptFormatException e)
            {
                Assert.NotEmpty(e.Problems);
                Assert.True(e.Problems.Count <= 20, json);
                Assert.All(e.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i}: {e.GetType().Name}: {e.Message}\n{json}");
            }
        }
        return (parsed, rejected);
    }

    private static void AssertCanonical(IReadOnlyList<TranscriptEntry> entries, string json)
    {
        double? lastStart = null;
        foreach (var e in entries)
        {
            Assert.Contains(e.Role, TranscriptRoles.All);
            Assert.True(e.StartTime is null or >= 0 && double.IsFinite(e.StartTime ?? 0), json);
            Assert.True(e.EndTime is null || (e.StartTime is { } s && e.EndTime >= s && double.IsFinite(e.EndTime.Value)), json);
            Assert.True(e.IsSpeech == (e.Data is null), json);
            Assert.True(e.IsSpeech || e.Content == "", json);
            Assert.True(e.Data is null || (e.Data.Arguments is null) != (e.Data.Result is null), json);
            Assert.True(e.StartTime is null || lastStart is null || e.StartTime >= lastStart, json);
            lastStart = e.StartTime ?? lastStart;
        }
    }

    /// <summary>Drops, nulls or replaces one random field or array element anywhere in the document.</summary>
    private static void Mutate(JsonNode root, RandomJson random)
    {
        var slots = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(root, slots);
        if (slots.Count == 0)
        {
            return;
        }
        var (parent, key, index) = slots[random.Random.Next(slots.Count)];
        var replacement = random.Random.Next(6) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Text()),
            2 => random.Number(),
            3 => JsonValue.Create(random.Random.Next(-2, 90).ToString()),
            _ => random.Value(2),
        };
        var drop = random.Random.Next(3) == 0;
        if (parent is JsonObject obj)
        {
            if (drop)
            {
                obj.Remove(key!);
            }
            else
            {
                obj[key!] = replacement;
            }
        }
        else if (parent is JsonArray array)
        {
            if (drop)
            {
                array.RemoveAt(index);
            }
            else
            {
                array[index] = replacement;
            }
        }
    }

    private static void Collect(JsonNode? node, List<(JsonNode, string?, int)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    slots.Add((obj, key, -1));
                    Collect(child, slots);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    Collect(array[i], slots);
                }
                break;
        }
    }
}
