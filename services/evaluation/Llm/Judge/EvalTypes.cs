namespace Cekura.Evaluation.Llm.Judge;

/// <summary>A metric's <c>eval_type</c>: what its result is.</summary>
public static class EvalTypes
{
    /// <summary>Met or not: score 1 or 0, value <c>true</c>/<c>false</c>.</summary>
    public const string Binary = "binary";

    /// <summary>Any number the criterion asks for (a count, a rating on its own scale).</summary>
    public const string Numeric = "numeric";

    /// <summary>A score from 0 to 100.</summary>
    public const string ContinuousQualitative = "continuous_qualitative";

    /// <summary>One of the metric's <c>enum_values</c>.</summary>
    public const string Enum = "enum";

    public static readonly IReadOnlyList<string> All = [Binary, Numeric, ContinuousQualitative, Enum];
}
