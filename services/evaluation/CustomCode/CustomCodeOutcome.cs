using System.Text.Json;

namespace Cekura.Evaluation.CustomCode;

/// <summary>Why a custom_code metric has no result.</summary>
public enum CustomCodeFailure
{
    /// <summary>The code never set <c>_result</c>.</summary>
    MissingResult,

    /// <summary><c>_result</c> does not fit the metric's eval_type.</summary>
    InvalidResult,
    SyntaxError,

    /// <summary>The code threw (and did not catch) a JavaScript error.</summary>
    ScriptError,
    TimeLimit,
    MemoryLimit,
    RecursionLimit,
    StatementLimit,
    RegexTimeLimit,
    CodeTooLong,

    /// <summary>The metric or its data cannot be run: an unknown eval_type, or data that is not a JSON object.</summary>
    InvalidRequest,

    /// <summary>The engine failed in an unexpected way while running the code.</summary>
    SandboxError,
}

/// <summary>
/// What one custom_code run produced: a result (<see cref="Evaluated"/>), or the reason there is none in
/// <see cref="Error"/>. Shaped like a metric result: binary scores 1/0 with a boolean value, numeric and
/// continuous_qualitative score their number, enum sets <see cref="Enum"/>.
/// </summary>
public sealed record CustomCodeOutcome
{
    public double? Score { get; init; }
    public JsonElement? Value { get; init; }
    public string? Enum { get; init; }

    /// <summary>The code's <c>_explanation</c>, also kept when its <c>_result</c> was missing or invalid.</summary>
    public IReadOnlyList<string> Explanation { get; init; } = [];

    /// <summary>Why the metric was not evaluated, in a sentence naming the limit or the error; null for a result.</summary>
    public string? Error { get; init; }
    public CustomCodeFailure? Failure { get; init; }

    public bool Evaluated => Failure is null;

    public static CustomCodeOutcome NotEvaluated(CustomCodeFailure failure, string error, IReadOnlyList<string>? explanation = null) =>
        new() { Failure = failure, Error = error, Explanation = explanation ?? [] };
}
