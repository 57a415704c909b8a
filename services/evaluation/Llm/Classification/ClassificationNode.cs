namespace Cekura.Evaluation.Llm.Classification;

/// <summary>One of an agent's <c>topic_nodes</c> or <c>dropoff_nodes</c>: <c>{name, description}</c>.</summary>
public sealed record ClassificationNode(string Name, string Description);

/// <summary>The node a call was classified as.</summary>
/// <param name="Node">The chosen node's name, at most <see cref="NodeClassifier.MaxNodeLength"/> characters (the
/// CallLog's <c>topic</c> / <c>dropoff_point</c>); null when none fits or when not evaluated.</param>
/// <param name="Explanation">The model's reason (plus a note when the transcript was shortened), or why it was not
/// evaluated.</param>
/// <param name="IsEvaluated">False when the model was not asked (no endpoint, no nodes, no transcript) or gave no
/// usable answer; <see cref="Explanation"/> then starts "Not evaluated: ".</param>
public sealed record NodeClassification(string? Node, IReadOnlyList<string> Explanation, bool IsEvaluated)
{
    public static NodeClassification NotEvaluated(string reason) => new(null, [reason], false);
}
