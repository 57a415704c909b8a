using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Evaluation.Llm.ChatCompletions;
using Cekura.Evaluation.Llm.Prompts;

namespace Cekura.Evaluation.Llm.Classification;

/// <summary>What one classification asks: the kind of node, the question, and the answer's property name.</summary>
/// <param name="Kind">Plural noun for the nodes in messages: <c>topic nodes</c>.</param>
/// <param name="Heading">The heading of the node list in the user message.</param>
/// <param name="Property">The answer's property holding the chosen name.</param>
/// <param name="Question">The task, told to the model in the system message.</param>
public sealed record ClassificationTask(string Kind, string Heading, string Property, string SchemaName, string Question);

/// <summary>
/// Asks the model to pick one of an agent's nodes for a call: the schema allows exactly the node names plus a "none"
/// choice, with an explanation. Shared by <see cref="TopicClassifier"/> and <see cref="DropoffClassifier"/>; like the
/// judge, every failure short of cancellation is a not-evaluated result that says why.
/// </summary>
public static class NodeClassifier
{
    /// <summary>The longest <c>topic</c> / <c>dropoff_point</c> a CallLog holds.</summary>
    public const int MaxNodeLength = 1000;

    /// <summary>The "no node fits" answer; the first of these that no node is named (case aside) is used.</summary>
    public static readonly IReadOnlyList<string> NoneChoices = ["none", "none_of_these", "no_match"];

    public static async Task<NodeClassification> ClassifyAsync(ChatCompletionsClient client, int maxTranscriptCharacters,
        ClassificationTask task, IReadOnlyList<ClassificationNode> nodes, string transcript, CancellationToken ct)
    {
        if (!client.IsConfigured)
        {
            return NodeClassification.NotEvaluated("Not evaluated: " + ChatCompletionsClient.NotConfiguredMessage);
        }
        // Blank names cannot be answered; a repeated name is one choice (strict schemas refuse repeated enum values).
        var usable = nodes.Where(n => !string.IsNullOrWhiteSpace(n.Name)).DistinctBy(n => n.Name, StringComparer.Ordinal).ToList();
        if (usable.Count == 0)
        {
            return NodeClassification.NotEvaluated($"Not evaluated: the agent has no {task.Kind}.");
        }
        if (string.IsNullOrWhiteSpace(transcript))
        {
            return NodeClassification.NotEvaluated("Not evaluated: the call has no transcript.");
        }

        var none = NoneChoices.First(c => !usable.Any(n => string.Equals(n.Name, c, StringComparison.OrdinalIgnoreCase)));
        var excerpt = TranscriptExcerpt.Of(transcript, maxTranscriptCharacters);
        var request = new ChatRequest(
            SystemMessage: SystemMessage(task, none),
            UserMessage: UserMessage(task, usable, excerpt.Text),
            SchemaName: task.SchemaName,
            Schema: Schema(task, usable.Select(n => n.Name).Append(none)));

        ChatAnswer answer;
        try
        {
            answer = await client.CompleteAsync(request, ct);
        }
        catch (LlmException e)
        {
            return NodeClassification.NotEvaluated($"Not evaluated: {e.Message}");
        }

        var content = answer.Content;
        if (!content.TryGetProperty(task.Property, out var choice) || choice.ValueKind != JsonValueKind.String)
        {
            return NodeClassification.NotEvaluated(
                $"Not evaluated: the model's answer cannot be used: it has no \"{task.Property}\" string.");
        }
        var name = choice.GetString()!;
        if (name != none && !usable.Any(n => n.Name == name))
        {
            return NodeClassification.NotEvaluated(
                $"Not evaluated: the model's answer cannot be used: {PromptJson.Quote(Shorten(name))} is not one of the agent's {task.Kind}.");
        }
        List<string> explanation = content.TryGetProperty("explanation", out var given) && given.ValueKind == JsonValueKind.String
            && given.GetString() is { Length: > 0 } text ? [text.Trim()] : [];
        if (excerpt.Note(maxTranscriptCharacters) is { } note)
        {
            explanation.Add(note);
        }
        return new NodeClassification(name == none ? null : Shorten(name), explanation, IsEvaluated: true);
    }

    public static string SystemMessage(ClassificationTask task, string none) => string.Join(' ',
        "You classify recorded calls between a voice AI agent and a caller. In the transcript the agent speaks as",
        "\"Main Agent\" and the caller as \"Testing Agent\".", task.Question,
        $"Answer {PromptJson.Quote(none)} when none of them fits.",
        $"Answer with JSON matching the given schema: first a brief \"explanation\", then in \"{task.Property}\" the exact name of your choice.");

    /// <summary>Each node as <c>- "name": description</c>, then the transcript.</summary>
    public static string UserMessage(ClassificationTask task, IReadOnlyList<ClassificationNode> nodes, string transcript)
    {
        var list = string.Join('\n', nodes.Select(n =>
            string.IsNullOrWhiteSpace(n.Description) ? $"- {PromptJson.Quote(n.Name)}" : $"- {PromptJson.Quote(n.Name)}: {n.Description.Trim()}"));
        return $"{task.Heading}:\n{list}\n\nTranscript:\n{transcript}";
    }

    public static JsonElement Schema(ClassificationTask task, IEnumerable<string> choices)
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            // explanation first: models write keys in schema order, so the reasoning precedes the choice.
            ["properties"] = new JsonObject
            {
                ["explanation"] = new JsonObject { ["type"] = "string", ["description"] = "why, briefly, citing the transcript" },
                [task.Property] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray(choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                },
            },
            ["required"] = new JsonArray("explanation", task.Property),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }

    private static string Shorten(string name) => name.Length > MaxNodeLength ? name[..MaxNodeLength] : name;
}
