using System.Text.Json;

namespace Cekura.Contracts.Metrics;

/// <summary>
/// A metric a project defines for itself (<c>/test_framework/v1/metrics/</c>): an LLM judge or custom code. Which
/// agents run it is recorded on the agents (<see cref="Agents.Agent.MetricIds"/>), not here.
/// </summary>
public sealed record MetricDefinition
{
    /// <summary>
    /// The first id a stored metric gets. <c>metric_ids</c> on Send Calls, an agent's metrics and call results name
    /// predefined and custom metrics in one id space, so custom ids start well above the catalogue
    /// (<see cref="PredefinedMetrics"/>, which takes the next free small id for each new entry).
    /// </summary>
    public const long FirstCustomId = 1001;

    public long Id { get; init; }
    public required long OrganizationId { get; init; }
    public required long ProjectId { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";

    /// <summary><see cref="MetricTypes.LlmJudge"/> or <see cref="MetricTypes.CustomCode"/>.</summary>
    public required string Type { get; init; }

    /// <summary>One of <see cref="MetricEvalTypes.All"/>: what kind of value the metric produces.</summary>
    public required string EvalType { get; init; }

    /// <summary>The categories an <c>enum</c> metric may report; empty for the other eval types.</summary>
    public IReadOnlyList<string> EnumValues { get; init; } = [];

    /// <summary>The LLM judge's criterion, with <c>{{variables}}</c>; null for custom code.</summary>
    public string? Prompt { get; init; }

    /// <summary>JavaScript that reads <c>data</c> and sets <c>_result</c> and <c>_explanation</c>; null for an LLM judge.</summary>
    public string? CustomCode { get; init; }

    /// <summary>Free-form settings kept as sent (any JSON object).</summary>
    public JsonElement? Configuration { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class MetricTypes
{
    public const string LlmJudge = "llm_judge";
    public const string CustomCode = "custom_code";

    /// <summary>The type the catalogue's metrics are listed with; a project cannot create one.</summary>
    public const string Predefined = "predefined";

    public static readonly IReadOnlyList<string> Creatable = [LlmJudge, CustomCode];
}

public static class MetricEvalTypes
{
    public const string Binary = "binary";
    public const string Numeric = "numeric";

    /// <summary>A score from 0 to 100.</summary>
    public const string ContinuousQualitative = "continuous_qualitative";
    public const string Enum = "enum";

    public static readonly IReadOnlyList<string> All = [Binary, Numeric, ContinuousQualitative, Enum];
}
