using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Evaluation.Llm.Prompts;

namespace Cekura.Evaluation.Llm.Judge;

/// <summary>
/// The answer asked of the model per <c>eval_type</c>, as a JSON Schema for strict structured outputs
/// (<c>{"explanation": string, "result": ...}</c>, both required, nothing else), and the reading of that answer.
/// <c>explanation</c> comes first because models write keys in schema order: the reasoning is then written before
/// the verdict rather than made up after it.
/// </summary>
public static class JudgeSchema
{
    /// <summary>The lowest and highest <c>continuous_qualitative</c> score.</summary>
    public const double ContinuousMin = 0, ContinuousMax = 100;

    public static string Name(string evalType) => $"llm_judge_{evalType}";

    /// <summary>The schema of the answer; <paramref name="enumValues"/> only for <c>enum</c>.</summary>
    /// <exception cref="ArgumentException">An eval type outside <see cref="EvalTypes"/>.</exception>
    public static JsonElement For(string evalType, IReadOnlyList<string> enumValues)
    {
        // The 0-100 range is stated in words, not as minimum/maximum: strict mode on some OpenAI-compatible servers
        // rejects those keywords, so the range is checked after parsing instead.
        JsonObject result = evalType switch
        {
            EvalTypes.Binary => new() { ["type"] = "boolean", ["description"] = "true when the call meets the criterion, false when it does not" },
            EvalTypes.Numeric => new() { ["type"] = "number", ["description"] = "the number the criterion asks for" },
            EvalTypes.ContinuousQualitative => new()
            {
                ["type"] = "number",
                ["description"] = "a score from 0 (the call does not meet the criterion at all) to 100 (it meets it fully)",
            },
            EvalTypes.Enum => new()
            {
                ["type"] = "string",
                ["enum"] = new JsonArray(enumValues.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
                ["description"] = "the one value that fits the call",
            },
            _ => throw new ArgumentException($"Unknown eval_type '{evalType}'.", nameof(evalType)),
        };
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["explanation"] = new JsonObject { ["type"] = "string", ["description"] = "why, briefly, citing the transcript" },
                ["result"] = result,
            },
            ["required"] = new JsonArray("explanation", "result"),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>What <c>result</c> must be, told to the model in the system message.</summary>
    public static string Instruction(string evalType, IReadOnlyList<string> enumValues) => evalType switch
    {
        EvalTypes.Binary => "\"result\" is true when the call meets the criterion and false when it does not.",
        EvalTypes.Numeric => "\"result\" is the number the criterion asks for.",
        EvalTypes.ContinuousQualitative =>
            "\"result\" is a score from 0 (the call does not meet the criterion at all) to 100 (it meets it fully).",
        EvalTypes.Enum => $"\"result\" is exactly one of: {string.Join(", ", enumValues.Select(v => PromptJson.Quote(v)))}.",
        _ => throw new ArgumentException($"Unknown eval_type '{evalType}'.", nameof(evalType)),
    };

    /// <summary>Reads the model's answer into an outcome; an answer that breaks the schema or the range is not
    /// evaluated, saying what was wrong.</summary>
    public static JudgeOutcome Parse(string evalType, IReadOnlyList<string> enumValues, JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("result", out var result))
        {
            return Unusable($"the answer has no \"result\": {Shorten(answer.GetRawText())}");
        }
        // A missing explanation does not make the verdict wrong; the schema asks for it, a lax server may drop it.
        IReadOnlyList<string> explanation =
            answer.TryGetProperty("explanation", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } text
                ? [text.Trim()]
                : [];
        switch (evalType)
        {
            case EvalTypes.Binary when result.ValueKind is JsonValueKind.True or JsonValueKind.False:
                var passed = result.GetBoolean();
                return new JudgeOutcome { Score = passed ? 1 : 0, Value = JsonSerializer.SerializeToElement(passed), Explanation = explanation };
            case EvalTypes.Numeric or EvalTypes.ContinuousQualitative when result.ValueKind == JsonValueKind.Number:
                var number = result.GetDouble();
                if (!double.IsFinite(number))
                {
                    return Unusable($"the result {result.GetRawText()} is not a finite number");
                }
                if (evalType == EvalTypes.ContinuousQualitative && number is < ContinuousMin or > ContinuousMax)
                {
                    return Unusable(string.Create(CultureInfo.InvariantCulture,
                        $"the score {number} is outside {ContinuousMin}-{ContinuousMax}"));
                }
                return new JudgeOutcome { Score = number, Value = JsonSerializer.SerializeToElement(number), Explanation = explanation };
            case EvalTypes.Enum when result.ValueKind == JsonValueKind.String:
                var value = result.GetString()!;
                if (!enumValues.Contains(value, StringComparer.Ordinal))
                {
                    return Unusable($"the answer {PromptJson.Quote(value)} is not one of the metric's enum values "
                        + $"({string.Join(", ", enumValues.Select(v => PromptJson.Quote(v)))})");
                }
                return new JudgeOutcome { Enum = value, Value = JsonSerializer.SerializeToElement(value), Explanation = explanation };
            default:
                var expected = evalType switch
                {
                    EvalTypes.Binary => "true or false",
                    EvalTypes.Enum => "a string",
                    _ => "a number",
                };
                return Unusable($"the result {Shorten(result.GetRawText())} is not {expected}");
        }
    }

    private static JudgeOutcome Unusable(string problem) =>
        JudgeOutcome.NotEvaluated($"Not evaluated: the model's answer cannot be used: {problem}.");

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "..." : text;
}
