using System.ComponentModel.DataAnnotations;

namespace Cekura.Hosting.Options;

/// <summary>
/// A voice agent's own spans, received on <c>POST /v1/traces</c>:
/// <code>
/// "Traces": { "MaxBodyBytes": 4194304, "MaxSpansPerTrace": 2000, "MaxAttributesPerSpan": 128,
///             "MaxAttributeValueLength": 4096, "RetentionDays": 30, "SweepIntervalMinutes": 60,
///             "ReevaluationDelaySeconds": 5 }
/// </code>
/// </summary>
public sealed class TracesOptions
{
    public const string Section = "Traces";

    /// <summary>Largest export body, compressed and after gzip decompression alike; larger is <c>413</c>.</summary>
    [Range(1024, 512L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Spans kept per trace; later new spans of a full trace are dropped and counted on it.</summary>
    [Range(1, 1_000_000)]
    public int MaxSpansPerTrace { get; set; } = 2000;

    /// <summary>Attributes kept per span (the first ones, in the order sent); the rest are dropped and counted.</summary>
    [Range(0, 10_000)]
    public int MaxAttributesPerSpan { get; set; } = 128;

    /// <summary>A string attribute longer than this (in UTF-16 characters) is cut to it; array values are cut item by item.</summary>
    [Range(16, 1_048_576)]
    public int MaxAttributeValueLength { get; set; } = 4096;

    /// <summary>Spans received longer ago than this are deleted; null keeps them forever.</summary>
    [Range(1, 36_500)]
    public int? RetentionDays { get; set; } = 30;

    [Range(0.01, 10_080)]
    public double SweepIntervalMinutes { get; set; } = 60;

    /// <summary>
    /// Quiet time after the last export of a trace before the evaluated calls naming it are re-evaluated: an agent's
    /// exporter sends a trace in several batches, and a burst of them should re-run the span metrics once.
    /// </summary>
    [Range(0, 3600)]
    public double ReevaluationDelaySeconds { get; set; } = 5;

    /// <summary>The caps the stores apply.</summary>
    public AgentTraceLimits Limits => new(MaxSpansPerTrace, MaxAttributesPerSpan, MaxAttributeValueLength);
}

/// <summary>The caps applied to one project's trace when spans are stored.</summary>
public sealed record AgentTraceLimits(int MaxSpansPerTrace, int MaxAttributesPerSpan, int MaxAttributeValueLength)
{
    public static readonly AgentTraceLimits Default = new TracesOptions().Limits;
}
