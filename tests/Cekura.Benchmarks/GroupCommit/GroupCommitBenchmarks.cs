using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Benchmarks.GroupCommit;

/// <summary>
/// Call-path writes on a real SQLite file (<c>synchronous=FULL</c>, WAL) from N concurrent writers: each call is an
/// insert with a 7 KB transcript and the six compare-and-swap replaces its stages make (a publish mark, then a stage
/// change and a mark per stage), as ingest and the workers do. The baseline commits every write alone
/// (<c>MaxBatch = 1</c>, the store before group commit); the other case uses the default group commit. Op/s is writes
/// per second; the ratio is per writer count, measured in the same run:
///   dotnet run -c Release --project tests/Cekura.Benchmarks -- group-commit [--filter '*'] [BenchmarkDotNet args]
/// The files go to <c>$TMPDIR</c> (put it on the disk you want to measure; a RAM disk has no fsync to save).
/// </summary>
public static class GroupCommitBenchmarks
{
    public static void Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(2).WithIterationCount(8).WithId("in-process"))
            .AddColumn(StatisticColumn.OperationsPerSecond)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromTypes([typeof(GroupCommitBenchmark)]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
    }
}

public class GroupCommitBenchmark
{
    /// <summary>Calls per invocation, shared among the writers.</summary>
    private const int Calls = 256;

    /// <summary>The insert and six replaces of one call.</summary>
    private const int WritesPerCall = 7;

    private const int Writes = Calls * WritesPerCall;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"cekura-group-commit-bench-{Guid.NewGuid():N}");
    private SqliteDatabase _unbatched = null!;
    private SqliteDatabase _batched = null!;
    private int _nextCall;

    [Params(1, 16, 64, 256)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_directory);
        _unbatched = new SqliteDatabase(Path.Combine(_directory, "unbatched.db"), maxBatch: 1);
        _batched = new SqliteDatabase(Path.Combine(_directory, "batched.db"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (name, database) in new[] { ("MaxBatch=1", _unbatched), ($"MaxBatch={SqliteDatabase.DefaultMaxBatch}", _batched) })
        {
            database.Dispose();
            var (transactions, writes) = database.WriteCounts;
            if (transactions > 0)
            {
                Console.WriteLine($"// {Writers} writers, {name}: {writes:N0} writes in {transactions:N0} transactions ({(double)writes / transactions:0.0} per commit)");
            }
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Writes, Description = "one transaction per write (MaxBatch=1)")]
    public Task Unbatched() => WriteCallsAsync(new SqliteCallStore(_unbatched));

    [Benchmark(OperationsPerInvoke = Writes, Description = "group commit (default MaxBatch)")]
    public Task Batched() => WriteCallsAsync(new SqliteCallStore(_batched));

    private Task WriteCallsAsync(SqliteCallStore store) =>
        Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = writer; i < Calls; i += Writers)
            {
                var call = await store.InsertAsync(NewCall(Interlocked.Increment(ref _nextCall)), CancellationToken.None);
                for (var change = 1; change < WritesPerCall; change++)
                {
                    call = await store.ReplaceAsync(call with { Feedback = $"change {change}", UpdatedAt = DateTimeOffset.UtcNow }, CancellationToken.None)
                        ?? throw new InvalidOperationException($"call {call.Id} changed under its only writer");
                }
            }
        })));

    private static readonly IReadOnlyList<TranscriptEntry> Transcript = Enumerable.Range(0, 40).Select(turn => new TranscriptEntry
    {
        Role = turn % 2 == 0 ? TranscriptRoles.MainAgent : TranscriptRoles.TestingAgent,
        Content = turn % 2 == 0
            ? "Thanks for calling, let me look that up for you. Could you confirm the order number and the postcode, please?"
            : "Sure, the order number is 4471 and the postcode is 90210. I was charged twice for it last week.",
        StartTime = turn * 4.0,
        EndTime = turn * 4.0 + 3.5,
    }).ToList();

    private static CallLog NewCall(int i)
    {
        var now = DateTimeOffset.UtcNow;
        return new CallLog
        {
            OrganizationId = 1,
            ProjectId = 1,
            CallId = $"bench-{i:D8}",
            AgentId = 1,
            Timestamp = now,
            TranscriptType = "cekura",
            TranscriptObject = Transcript,
            Stage = CallStage.Received,
            StageChangedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
