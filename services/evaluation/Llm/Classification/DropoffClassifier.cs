using Cekura.Evaluation.Llm.ChatCompletions;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation.Llm.Classification;

/// <summary>The call's <c>dropoff_point</c>: at which of the agent's <c>dropoff_nodes</c> (stages of its conversation)
/// the call ended.</summary>
public sealed class DropoffClassifier(ChatCompletionsClient client, IOptions<LlmOptions> options)
{
    public static readonly ClassificationTask Definition = new(
        Kind: "dropoff nodes",
        Heading: "Stages",
        Property: "stage",
        SchemaName: "call_dropoff_point",
        Question: "The agent's conversations are meant to pass through the stages listed. Pick the stage at which this "
            + "call ended: the last stage the conversation reached before the caller hung up or the call stopped.");

    public Task<NodeClassification> ClassifyAsync(IReadOnlyList<ClassificationNode> nodes, string transcript, CancellationToken ct) =>
        NodeClassifier.ClassifyAsync(client, options.Value.MaxTranscriptCharacters, Definition, nodes, transcript, ct);
}
