using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Transcripts.Retell;

namespace Cekura.Ingest.Tests.Transcripts.Retell;

public sealed class RetellTranscriptParserPropertyTests
{
    private const int Cases = 3000;

    private static readonly RetellTranscriptParser Parser = new();

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var random = new RandomJson(20251018);
        var outcomes = Run(Cases, i => (random.Random.Next(2) == 0 ? random.Transcript() : random.Value())?.ToJsonString() ?? "null");

        Assert.True(outcomes.Rejected > 50, $"only {outcomes.Rejected} values rejected");
    }

    [Fact]
    public void Mutated_retell_payloads_either_parse_or_are_a_transcript_format_error()
    {
        var random = new RandomJson(9127);
        var outcomes = Run(Cases, i =>
        {
            var payload = JsonNode.Parse(RetellFixtures.All[i % RetellFixtures.All.Length])!;
            var mutations = random.Random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                Mutate(payload, random);
            }
            return payload.ToJsonString();
        });

        // The generator must reach both outcomes, or the property says little.
        Assert.True(outcomes.Parsed > 300, $"only {outcomes.Parsed} mutated payloads parsed");
        Assert.True(outcomes.Rejected > 300, $"only {outcomes.Rejected} mutated payloads rejected");
    }

    private static (int Parsed, int Rejected) Run(int cases, Func<int, string> generate)
    {
        var parsers = new TranscriptParsers([Parser]);
        int parsed = 0, rejected = 0;
        for (var i = 0; i < cases; i++)
        {
            var json = generate(i);
            using var document = JsonDocument.Parse(json);
            try
            {
                AssertCanonical(Parser.Parse(document.RootElement), json);
                parsers.Parse("retell", document.RootElement);
                parsed++;
            }
            catch (TranscriptFormatException e)
            {
                Assert.NotEmpty(e.Problems);
                Assert.True(e.Problems.Count <= 20, json);
                rejected++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"case {i}: {e.GetType().Name}: {e.Message}\n{json}");
            }
        }
        return (parsed, rejected);
    }

    private static void AssertCanonical(IReadOnlyList<TranscriptEntry> entries, string json)
    {
        foreach (var e in entries)
        {
            Assert.Contains(e.Role, TranscriptRoles.All);
            Assert.True(e.StartTime is null or >= 0 && (e.StartTime is null || double.IsFinite(e.StartTime.Value)), json);
            Assert.True(e.EndTime is null || e.StartTime is { } s && double.IsFinite(e.EndTime.Value) && e.EndTime >= s, json);
            Assert.Equal(e.IsSpeech, e.Data is null);
            if (!e.IsSpeech)
            {
                Assert.Equal("", e.Content);
                Assert.False(string.IsNullOrEmpty(e.Data!.Id), json);
                Assert.Equal(e.Role == TranscriptRoles.FunctionCall, e.Data.Arguments is not null);
                Assert.Equal(e.Role == TranscriptRoles.FunctionCallResult, e.Data.Result is not null);
            }
        }
        var starts = entries.Select(e => e.StartTime).OfType<double>().ToList();
        Assert.Equal(starts.Order(), starts);
    }

    /// <summary>Drops a random property or array item, or replaces it with a random value, somewhere in the tree.</summary>
    private static void Mutate(JsonNode root, RandomJson random)
    {
        var containers = new List<JsonNode>();
        Collect(root, containers);
        var target = containers[random.Random.Next(containers.Count)];
        var replace = random.Random.Next(2) == 0;
        if (target is JsonObject obj && obj.Count > 0)
        {
            var key = obj.ElementAt(random.Random.Next(obj.Count)).Key;
            if (replace)
            {
                obj[key] = random.Value(2);
            }
            else
            {
                obj.Remove(key);
            }
        }
        else if (target is JsonArray array && array.Count > 0)
        {
            var index = random.Random.Next(array.Count);
            if (replace)
            {
                array[index] = random.Value(2);
            }
            else
            {
                array.RemoveAt(index);
            }
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> containers)
    {
        switch (node)
        {
            case JsonObject obj:
                containers.Add(obj);
                foreach (var (_, child) in obj)
                {
                    Collect(child, containers);
                }
                break;
            case JsonArray array:
                containers.Add(array);
                foreach (var child in array)
                {
                    Collect(child, containers);
                }
                break;
        }
    }
}
