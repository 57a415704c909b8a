using Cekura.Evaluation.CustomCode;

namespace Cekura.Evaluation.Tests.CustomCode;

[CollectionDefinition(nameof(AllocationMeasuring), DisableParallelization = true)]
public sealed class AllocationMeasuring;

/// <summary>
/// Scripts that try to exhaust memory. They run alone (no other test in parallel), so the process's allocations
/// while one runs are that script's, and each is checked against the budget as well as for the failure it reports.
/// </summary>
[Collection(nameof(AllocationMeasuring))]
public sealed class MemoryExhaustionTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    // The limit counts what the script allocates between checks; the engine, its data and a last step past the
    // limit come on top. The unguarded built-ins allocated 13 times this or more.
    private const long Budget = 4 * 32L * 1024 * 1024;

    private static async Task<(CustomCodeOutcome Outcome, long Allocated)> Measure(string code, CustomCodeOptions options)
    {
        using var runner = new CustomCodeRunner(options);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var outcome = await runner.RunAsync(SampleCall.Request(code), CancellationToken.None).WaitAsync(Hang);
        return (outcome, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    private static void AssertWithinBudget(long allocated) =>
        Assert.True(allocated < Budget, $"the run allocated {allocated / (1024 * 1024)} MB");

    [Theory]
    [InlineData("const a = []; for (;;) { a.push(new Array(1000).fill(0)); }")]
    [InlineData("let s = 'x'; for (;;) { s += s; }")]
    [InlineData("let s = ''; for (;;) { s = s + 'more text ' + s.length; }")]
    [InlineData("const o = {}; for (let i = 0; ; i++) { o['key' + i] = i; }")]
    [InlineData("const m = new Map(); for (let i = 0; ; i++) { m.set(i, [i]); }")]
    [InlineData("let a = [1]; for (;;) { a = a.concat(a); }")]
    [InlineData("new Array(2 ** 25).fill(0);")]
    [InlineData("Array.from({ length: 2 ** 25 });")]
    public async Task Growing_arrays_and_strings_stop_at_the_memory_limit(string code)
    {
        var (outcome, allocated) = await Measure(code, new CustomCodeOptions { TimeoutMs = 600_000 });

        Assert.Equal(CustomCodeFailure.MemoryLimit, outcome.Failure);
        Assert.Equal("custom code exceeded its 32 MB memory limit", outcome.Error);
        AssertWithinBudget(allocated);
    }

    private const string MegaString = "let y = 'y'; for (let i = 0; i < 20; i++) { y += y; } ";
    private const string Shared = "let a = ['xxxxxxxx']; for (let i = 0; i < 26; i++) { a = [a, a]; } ";
    private const string Matches = "let x = 'x'; for (let i = 0; i < 12; i++) { x += x; } let z = 'z'; for (let i = 0; i < 16; i++) { z += z; } ";

    /// <summary>
    /// Built-ins that build a huge result in one call, past Jint's own checks (each measured on Jint 4.18 without the
    /// sandbox's replacements: from 420 MB in 2 s to 57 GB in 170 s). Each must stop at a limit, having allocated at
    /// most a few times the limit: stopping at the next statement after the allocation would be too late.
    /// </summary>
    [Theory]
    [InlineData("'x'.repeat(2 ** 28);")]
    [InlineData("'abc'.repeat(2 ** 20).repeat(2 ** 8);")]
    [InlineData(MegaString + "''.concat(...new Array(200).fill(y));")]
    [InlineData(MegaString + "new Array(200).fill(y).join('');")]
    [InlineData(MegaString + "new Array(200).join(y);")]
    [InlineData(MegaString + "String(new Array(200).fill(y));")]
    [InlineData(MegaString + "String.raw({ raw: new Array(200).fill(y) });")]
    [InlineData(MegaString + "new Array(200).fill(y).toLocaleString();")]
    [InlineData(Matches + "x.replaceAll('x', z);")]
    [InlineData(Matches + "x.replace(/x/g, z);")]
    [InlineData(Matches + "x.replace(/x/g, () => z);")]
    [InlineData(Matches + "x.replace(/x/g, \"$'$'$'$'\");")]
    [InlineData(Matches + "x.split('x').join(z);")]
    [InlineData(Matches + "RegExp.prototype[Symbol.replace].call(/x/g, x, z);")]
    [InlineData(Matches + "x.replaceAll(/x/g, z);")]
    [InlineData(Shared + "String(a);")]
    [InlineData(Shared + "a.toLocaleString();")]
    [InlineData(Shared + "JSON.stringify(a);")]
    [InlineData(Shared + "JSON.stringify({ a }, null, 2);")]
    [InlineData(Shared + "a.flat(Infinity);")]
    public async Task Built_ins_that_would_build_huge_results_stop_at_a_limit(string code)
    {
        var (outcome, allocated) = await Measure(code, new CustomCodeOptions());

        AssertWithinBudget(allocated);
        Assert.False(outcome.Evaluated);
        Assert.True(outcome.Failure is CustomCodeFailure.MemoryLimit or CustomCodeFailure.TimeLimit or CustomCodeFailure.StatementLimit,
            $"{outcome.Failure}: {outcome.Error}");
        Assert.StartsWith("custom code exceeded its ", outcome.Error);
    }

}
