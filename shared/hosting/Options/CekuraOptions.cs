using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Cekura.Hosting.Options;

/// <summary>
/// Which modules this process runs, and how long it may take to stop.
/// <code>"Cekura": { "Targets": "all", "ShutdownTimeoutSeconds": 25 }   // Targets: or "gateway,ingest", "evaluation", ...</code>
/// </summary>
public sealed class CekuraOptions
{
    public const string Section = "Cekura";

    public static readonly IReadOnlyList<string> Modules = ["gateway", "ingest", "transcription", "redaction", "evaluation"];

    public string Targets { get; set; } = "all";

    /// <summary>
    /// How long the process may take to stop after SIGTERM: in-flight requests and stage messages finish in this time
    /// or are handed back. Keep it below the orchestrator's grace period (Kubernetes' <c>terminationGracePeriodSeconds</c>,
    /// 30 s by default; our manifests set 40 s), or the process is killed mid-stop.
    /// </summary>
    [Range(1, 3600)]
    public int ShutdownTimeoutSeconds { get; set; } = 25;

    /// <summary>
    /// The API's public origin (e.g. <c>https://calls.example.com</c>), for links in what is sent without a request
    /// to take them from: the completion webhook's <c>voice_recording_url</c>. Unset, that link is null.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public IReadOnlySet<string> TargetSet =>
        Targets.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? Modules.ToHashSet()
            : Targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => t.ToLowerInvariant()).ToHashSet();

    /// <summary>True when every module runs in this process (the embedded deployment).</summary>
    public bool RunsAllModules => Modules.All(TargetSet.Contains);

    public bool Runs(string module) => TargetSet.Contains(module);

    /// <summary>The section as configured, or the defaults when it is absent (every module in one process).</summary>
    public static CekuraOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<CekuraOptions>() ?? new CekuraOptions();

    /// <summary>Why <see cref="Targets"/> names no runnable set of modules, or null when it does.</summary>
    public string? TargetProblem()
    {
        var names = Targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var choices = $"use 'all' or some of {string.Join(", ", Modules)}";
        if (names.Length == 0)
        {
            return $"Cekura:Targets is empty, so this process would run nothing; {choices}.";
        }
        if (names.Length > 1 && names.Any(n => n.Equals("all", StringComparison.OrdinalIgnoreCase)))
        {
            return $"Cekura:Targets '{Targets}' mixes 'all' with other targets; {choices}.";
        }
        var unknown = TargetSet.Except(Modules).ToList();
        return unknown.Count > 0 ? $"Unknown Cekura:Targets {string.Join(", ", unknown)}; {choices}." : null;
    }
}
