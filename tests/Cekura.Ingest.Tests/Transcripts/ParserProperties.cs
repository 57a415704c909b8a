using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Tests.Transcripts;

/// <summary>
/// What the transcript parser property tests share: the loop that feeds generated JSON to a parser and counts the
/// outcomes, the invariants of a canonical transcript, and the JSON mutators that turn valid fixtures into near misses.
/// </summary>
public static class ParserProperties
{
    /// <summary>
    /// Feeds <paramref name="cases"/> generated documents to <paramref name="parse"/> (given the root and the JSON text),
    /// which either returns (the case parsed) or throws a <see cref="TranscriptFormatException"/> with a short list of
    /// non-blank problems (the case was rejected); anything else fails the test.
    /// </summary>
    public static (int Parsed, int Rejected) Run(int cases, Func<int, string> generate, Action<JsonElement, string> parse)
    {
        int parsed = 0, rejected = 0;
        for (var i = 0; i < cases; i++)
        {
            var json = generate(i);
            using var document = JsonDocument.Parse(json);
            try
            {
                parse(document.RootElement, json);
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

    /// <summary>
    /// A <see cref="Run"/> step that checks what <paramref name="parser"/> returns is canonical and, when
    /// <paramref name="transcriptType"/> is given, that the registry accepts it under that type too.
    /// </summary>
    public static Action<JsonElement, string> ParsesCanonical(ITranscriptParser parser, string? transcriptType = null)
    {
        var parsers = new TranscriptParsers([parser]);
        return (root, json) =>
        {
            AssertCanonical(parser.Parse(root), json);
            if (transcriptType is not null)
            {
                parsers.Parse(transcriptType, root);
            }
        };
    }

    /// <summary>
    /// Known roles, finite non-negative times with no end before its start, tool data exactly on the non-speech entries
    /// and no content on them. Pipecat holds its transcripts to this: an entry may have an end time but no start.
    /// </summary>
    public static void AssertLooselyCanonical(IReadOnlyList<TranscriptEntry> entries, string json)
    {
        foreach (var e in entries)
        {
            Assert.Contains(e.Role, TranscriptRoles.All);
            Assert.True(e.StartTime is null or >= 0 && (e.StartTime is null || double.IsFinite(e.StartTime.Value)), json);
            Assert.False(e.EndTime is { } end && (end < 0 || !double.IsFinite(end) || end < e.StartTime), json);
            Assert.True(e.IsSpeech == (e.Data is null), json);
            Assert.True(e.IsSpeech || e.Content == "", json);
        }
    }

    /// <summary>
    /// <see cref="AssertLooselyCanonical"/>, and besides: an end only with a start, tool entries with an id and exactly
    /// the arguments or the result their role calls for, start times in order.
    /// </summary>
    public static void AssertCanonical(IReadOnlyList<TranscriptEntry> entries, string json)
    {
        AssertLooselyCanonical(entries, json);
        foreach (var e in entries)
        {
            Assert.True(e.EndTime is null || e.StartTime is not null, json);
            if (!e.IsSpeech)
            {
                Assert.False(string.IsNullOrEmpty(e.Data!.Id), json);
                Assert.True((e.Data.Arguments is null) != (e.Data.Result is null), json);
                Assert.Equal(e.Role == TranscriptRoles.FunctionCall, e.Data.Arguments is not null);
                Assert.Equal(e.Role == TranscriptRoles.FunctionCallResult, e.Data.Result is not null);
            }
        }
        var starts = entries.Select(e => e.StartTime).OfType<double>().ToList();
        Assert.Equal(starts.Order(), starts);
    }

    /// <summary>Parses <paramref name="fixture"/> and applies <paramref name="mutation"/> one to three times.</summary>
    public static string Mutated(string fixture, RandomJson random, Func<JsonNode?, RandomJson, JsonNode?> mutation)
    {
        var node = JsonNode.Parse(fixture);
        for (var m = random.Random.Next(1, 4); m > 0; m--)
        {
            node = mutation(node, random);
        }
        return node?.ToJsonString() ?? "null";
    }

    /// <summary>Drops a random property or array item, or replaces it with a random value, in a random object or array of the tree.</summary>
    public static JsonNode? DropOrReplaceInContainer(JsonNode? root, RandomJson random)
    {
        var containers = new List<JsonNode>();
        CollectContainers(root, containers);
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
        return root;
    }

    /// <summary>Drops, nulls or replaces (with text, a number, a numeric string or any value) one random field or array element anywhere in the document.</summary>
    public static JsonNode? DropNullOrReplaceSlot(JsonNode? root, RandomJson random)
    {
        var slots = new List<(JsonNode Parent, string? Key, int Index)>();
        CollectSlots(root, slots);
        if (slots.Count == 0)
        {
            return root;
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
        return root;
    }

    /// <summary>Drops, replaces, nulls or stringifies one random node (sometimes the root, which it then returns instead).</summary>
    public static JsonNode? DropReplaceNullOrStringifyNode(JsonNode? root, RandomJson random)
    {
        var nodes = new List<JsonNode>();
        CollectNodes(root, nodes);
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

    private static void CollectContainers(JsonNode? node, List<JsonNode> containers)
    {
        switch (node)
        {
            case JsonObject obj:
                containers.Add(obj);
                foreach (var (_, child) in obj)
                {
                    CollectContainers(child, containers);
                }
                break;
            case JsonArray array:
                containers.Add(array);
                foreach (var child in array)
                {
                    CollectContainers(child, containers);
                }
                break;
        }
    }

    private static void CollectSlots(JsonNode? node, List<(JsonNode, string?, int)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    slots.Add((obj, key, -1));
                    CollectSlots(child, slots);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    CollectSlots(array[i], slots);
                }
                break;
        }
    }

    private static void CollectNodes(JsonNode? node, List<JsonNode> nodes)
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
                    CollectNodes(child, nodes);
                }
                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    CollectNodes(child, nodes);
                }
                break;
        }
    }
}
