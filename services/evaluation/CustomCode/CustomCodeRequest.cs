namespace Cekura.Evaluation.CustomCode;

/// <summary>One custom_code metric to run on one call.</summary>
/// <param name="Code">The metric's JavaScript; it reads <c>data</c> and sets <c>_result</c> and <c>_explanation</c>.</param>
/// <param name="EvalType">One of <see cref="CustomCodeEvalTypes"/>: how <c>_result</c> is read.</param>
/// <param name="EnumValues">The values an <c>enum</c> metric may take (ignored for other types).</param>
/// <param name="DataJson">The <c>data</c> object as JSON, built with <see cref="CustomCodeData"/>.</param>
public sealed record CustomCodeRequest(string Code, string EvalType, IReadOnlyList<string> EnumValues, string DataJson);

/// <summary>The metric <c>eval_type</c>s a custom_code metric can have.</summary>
public static class CustomCodeEvalTypes
{
    public const string Binary = "binary";
    public const string Numeric = "numeric";
    public const string ContinuousQualitative = "continuous_qualitative";
    public const string Enum = "enum";

    public static readonly IReadOnlyList<string> All = [Binary, Numeric, ContinuousQualitative, Enum];
}
