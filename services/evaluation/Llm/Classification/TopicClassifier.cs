using Cekura.Evaluation.Llm.ChatCompletions;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation.Llm.Classification;

/// <summary>The call's <c>topic</c>: which of the agent's <c>topic_nodes</c> the call was about.</summary>
public sealed class TopicClassifier(ChatCompletionsClient client, IOptions<LlmOptions> options)
{
    public static readonly ClassificationTask Definition = new(
        Kind: "topic nodes",
        Heading: "Topics",
        Property: "topic",
        SchemaName: "call_topic",
        Question: "Pick the one topic from the list that best describes what the call was about: the caller's main reason for calling.");

    public Task<NodeClassification> ClassifyAsync(IReadOnlyList<ClassificationNode> nodes, string transcript, CancellationToken ct) =>
        NodeClassifier.ClassifyAsync(client, options.Value.MaxTranscriptCharacters, Definition, nodes, transcript, ct);
}
