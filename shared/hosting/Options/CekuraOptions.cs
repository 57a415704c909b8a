namespace Cekura.Hosting.Options;

/// <summary>
/// Which modules this process runs.
/// <code>"Cekura": { "Targets": "all" }   // or "gateway,ingest", "evaluation", ...</code>
/// </summary>
public sealed class CekuraOptions
{
    public const string Section = "Cekura";

    public static readonly IReadOnlyList<string> Modules = ["gateway", "ingest", "transcription", "redaction", "evaluation"];

    public string Targets { get; set; } = "all";

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
}
