using System.Text.Json;

namespace Cekura.Evaluation.Llm.Judge;

/// <summary>One <c>llm_judge</c> metric to evaluate.</summary>
/// <param name="MetricName">Shown to the model as the metric's name.</param>
/// <param name="Criterion">The metric's <c>prompt</c>, or its <c>description</c> when it has no prompt (the caller
/// chooses); may hold <c>{{variables}}</c> (see <see cref="Prompts.PromptTemplate"/>).</param>
/// <param name="EvalType">One of <see cref="EvalTypes"/>.</param>
/// <param name="EnumValues">The allowed answers of an <c>enum</c> metric; ignored otherwise.</param>
public sealed record JudgeRequest(string MetricName, string Criterion, string EvalType, IReadOnlyList<string> EnumValues);

/// <summary>The call a metric is judged on.</summary>
/// <param name="Transcript">The call's transcript text, one <c>[MM:SS] Role: content</c> line per speech turn (the
/// CallLog's <c>transcript</c> field).</param>
/// <param name="AgentDescription">The agent's description, with its <c>{{variables}}</c> still in it.</param>
/// <param name="DynamicVariables">The call's <c>dynamic_variables</c>.</param>
/// <param name="Metadata">The call's <c>metadata</c>.</param>
public sealed record JudgeContext(string Transcript, string? AgentDescription, JsonElement? DynamicVariables, JsonElement? Metadata);

/// <summary>
/// A judged metric, in the terms of a metric result: <c>binary</c> gives <see cref="Score"/> 1 or 0 and
/// <see cref="Value"/> <c>true</c>/<c>false</c>; <c>numeric</c> and <c>continuous_qualitative</c> the number as both;
/// <c>enum</c> the chosen value as <see cref="Enum"/> and <see cref="Value"/>. Not evaluated: no score, value or enum,
/// and <see cref="Explanation"/> holds <see cref="NotEvaluatedReason"/>, so such a result is neither passed nor failed.
/// </summary>
public sealed record JudgeOutcome
{
    public bool IsEvaluated => NotEvaluatedReason is null;
    public double? Score { get; init; }
    public JsonElement? Value { get; init; }
    public string? Enum { get; init; }

    /// <summary>The model's explanation (plus a note when the transcript was shortened), or the reason it was not evaluated.</summary>
    public IReadOnlyList<string> Explanation { get; init; } = [];

    /// <summary>A sentence starting "Not evaluated: "; null when evaluated.</summary>
    public string? NotEvaluatedReason { get; init; }

    public static JudgeOutcome NotEvaluated(string reason) => new() { NotEvaluatedReason = reason, Explanation = [reason] };
}
