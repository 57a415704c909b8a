using System.ComponentModel.DataAnnotations;

namespace Cekura.Evaluation.CustomCode;

/// <summary>
/// The custom_code sandbox's limits. Section <c>CustomCode</c>:
/// <code>{"CustomCode": {"TimeoutMs": 1000, "MemoryLimitMb": 32, "MaxRecursionDepth": 64, "MaxStatements": 10000000,
///                 "RegexTimeoutMs": 100, "MaxCodeLength": 100000, "MaxConcurrency": 2}}</code>
/// </summary>
public sealed class CustomCodeOptions
{
    public const string Section = "CustomCode";

    /// <summary>Wall-clock time one metric's run may take in the engine (loading <c>data</c>, the code, reading the result).</summary>
    [Range(1, 600_000)]
    public int TimeoutMs { get; set; } = 1000;

    /// <summary>
    /// Managed bytes one engine call may allocate, in MB (2^20 bytes). Jint counts every allocation the script makes,
    /// not what it keeps, so a loop that creates and drops many strings uses it up too.
    /// </summary>
    [Range(1, 4096)]
    public int MemoryLimitMb { get; set; } = 32;

    /// <summary>How many times one function may be on the call stack at once.</summary>
    [Range(1, 10_000)]
    public int MaxRecursionDepth { get; set; } = 64;

    /// <summary>Statements one engine call may execute.</summary>
    [Range(1, int.MaxValue - 1)]
    public int MaxStatements { get; set; } = 10_000_000;

    /// <summary>Time one regular-expression match may take (catastrophic backtracking).</summary>
    [Range(1, 60_000)]
    public int RegexTimeoutMs { get; set; } = 100;

    /// <summary>Longest code accepted, in characters; longer code is not run.</summary>
    [Range(1, 10_000_000)]
    public int MaxCodeLength { get; set; } = 100_000;

    /// <summary>Scripts run at once per process; more wait for a slot. A script holds its slot until its thread is free.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;
}
