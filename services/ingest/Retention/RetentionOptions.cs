using System.ComponentModel.DataAnnotations;

namespace Cekura.Ingest.Retention;

/// <summary>
/// Deleting calls older than their project's retention (<c>retention_days</c>, set through the admin API), or this
/// default for projects without one.
/// <code>"Retention": { "DefaultDays": null, "SweepIntervalMinutes": 60, "BatchSize": 100 }</code>
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Days a call is kept when its project names no retention; null keeps calls forever.</summary>
    [Range(1, 36_500)]
    public int? DefaultDays { get; set; }

    [Range(0.01, 10_080)]
    public double SweepIntervalMinutes { get; set; } = 60;

    /// <summary>Calls read and deleted per round; a project's expired calls go in as many rounds as it takes.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;
}
