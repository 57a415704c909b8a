using Cekura.Evaluation.Llm.ChatCompletions;
using Cekura.Evaluation.Llm.Prompts;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation.Llm.Judge;

/// <summary>
/// Evaluates one <c>llm_judge</c> metric on one call: renders the metric's criterion with the call's variables, asks the
/// configured model for a structured answer of the metric's <c>eval_type</c>, and reads it. Whatever keeps the model
/// from giving a usable answer (no endpoint configured, the endpoint failing after its retries, a refusal, an answer
/// outside the schema or range) is a not-evaluated outcome that says why, never an exception and never a pass or fail;
/// only the caller's cancellation is thrown.
/// </summary>
public sealed class LlmJudge(ChatCompletionsClient client, IOptions<LlmOptions> options)
{
    public const string NotConfiguredReason = "Not evaluated: " + ChatCompletionsClient.NotConfiguredMessage;

    private const string Instructions = """
        You evaluate recorded calls between a voice AI agent and a caller against one criterion. In the transcript the
        agent speaks as "Main Agent" and the caller as "Testing Agent"; each line starts with the time [MM:SS] the turn
        began. Judge only from what the transcript and the criterion say. Answer with JSON matching the given schema:
        first a brief "explanation" of your judgement, then the "result".
        """;

    private readonly LlmOptions _options = options.Value;

    public async Task<JudgeOutcome> EvaluateAsync(JudgeRequest request, JudgeContext context, CancellationToken ct)
    {
        if (!client.IsConfigured)
        {
            return JudgeOutcome.NotEvaluated(NotConfiguredReason);
        }
        if (Invalid(request) is { } problem)
        {
            return JudgeOutcome.NotEvaluated($"Not evaluated: {problem}.");
        }
        var enumValues = request.EvalType == EvalTypes.Enum ? Distinct(request.EnumValues) : [];
        var transcript = TranscriptExcerpt.Of(context.Transcript, _options.MaxTranscriptCharacters);
        var chat = new ChatRequest(
            SystemMessage: $"{OneParagraph(Instructions)} {JudgeSchema.Instruction(request.EvalType, enumValues)}",
            UserMessage: UserMessage(request, context, transcript.Text),
            SchemaName: JudgeSchema.Name(request.EvalType),
            Schema: JudgeSchema.For(request.EvalType, enumValues));

        ChatAnswer answer;
        try
        {
            answer = await client.CompleteAsync(chat, ct);
        }
        catch (LlmException e)
        {
            return JudgeOutcome.NotEvaluated($"Not evaluated: {e.Message}");
        }
        var outcome = JudgeSchema.Parse(request.EvalType, enumValues, answer.Content);
        return outcome.IsEvaluated && transcript.Note(_options.MaxTranscriptCharacters) is { } note
            ? outcome with { Explanation = [.. outcome.Explanation, note] }
            : outcome;
    }

    /// <summary>
    /// The metric's name and its rendered criterion; the transcript is added after it unless the criterion places
    /// <c>{{transcript}}</c> itself, because a criterion written as a bare question ("Did the agent confirm the
    /// date?") cannot be judged without the call.
    /// </summary>
    public static string UserMessage(JudgeRequest request, JudgeContext context, string transcript)
    {
        var variables = new PromptVariables(transcript, context.AgentDescription, context.DynamicVariables, context.Metadata);
        var criterion = PromptTemplate.Render(request.Criterion, variables).Trim();
        var message = $"Metric: {request.MetricName}\n\nCriterion:\n{criterion}";
        return PromptTemplate.Mentions(request.Criterion, PromptTemplate.TranscriptVariable)
            ? message
            : $"{message}\n\nTranscript:\n{transcript}";
    }

    private static string? Invalid(JudgeRequest request)
    {
        if (!EvalTypes.All.Contains(request.EvalType))
        {
            return $"the metric's eval_type \"{request.EvalType}\" is not one of {string.Join(", ", EvalTypes.All)}";
        }
        if (string.IsNullOrWhiteSpace(request.Criterion))
        {
            return "the metric has neither a prompt nor a description to judge by";
        }
        if (request.EvalType == EvalTypes.Enum && Distinct(request.EnumValues).Count == 0)
        {
            return "the enum metric has no enum_values";
        }
        return null;
    }

    /// <summary>Strict structured outputs refuse an <c>enum</c> with repeated or no values.</summary>
    private static IReadOnlyList<string> Distinct(IReadOnlyList<string> values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList();

    private static string OneParagraph(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries));
}
