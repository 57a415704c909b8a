using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Cekura.Ingest.CallLogs.Filters;
using Microsoft.Data.Sqlite;

namespace Cekura.Benchmarks.CallList;

/// <summary>
/// The call list on a SQLite store holding 100,000 calls of one project (and 20,000 of another), with BenchmarkDotNet
/// in process. Each case is one page of 20 with its total count, as the API asks the store; the ratio column compares
/// it with the unfiltered newest-first first page measured in the same run (a primary-key read is shown too):
///   dotnet run -c Release --project tests/Cekura.Benchmarks -- call-list [--filter '*']
/// The seeded file is kept (path printed; CEKURA_BENCH_DB overrides it) because seeding through the store's insert
/// path takes minutes; delete it to seed again.
/// </summary>
public static class CallListBenchmarks
{
    public static void Run(string[] args)
    {
        CallListData.EnsureSeeded();
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10).WithId("in-process"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromTypes([typeof(CallListBenchmark)]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
    }
}

[MemoryDiagnoser]
public class CallListBenchmark
{
    private SqliteCallStore _store = null!;
    private CallQuery _window = null!;
    private long _someId;
    private IReadOnlyList<long> _twentyIds = [];
    private IReadOnlyList<long> _fiveHundredIds = [];

    [GlobalSetup]
    public void Setup()
    {
        _store = new SqliteCallStore(new SqliteDatabase(CallListData.Path));
        _window = new CallQuery { ProjectId = 1, From = CallListData.Now.AddDays(-30), To = CallListData.Now, PageSize = 20 };
        var page = _store.ListAsync(_window with { PageSize = 100, Page = 37 }, CancellationToken.None).GetAwaiter().GetResult();
        _someId = page.Items[0].Id;
        _twentyIds = page.Items.Where((_, i) => i % 5 == 0).Select(c => c.Id).ToList();
        _fiveHundredIds = _store.ListAsync(_window with { PageSize = 500, Page = 20 }, CancellationToken.None).GetAwaiter().GetResult()
            .Items.Select(c => c.Id).ToList();
    }

    [GlobalCleanup]
    public void Cleanup() => SqliteConnection.ClearAllPools();

    [Benchmark(Baseline = true, Description = "no filter: newest 20 of 100k + count")]
    public Task<CallPage> Unfiltered() => List(_window);

    [Benchmark(Description = "primary-key read of one call")]
    public Task<CallLog?> PrimaryKey() => _store.GetAsync(1, _someId, CancellationToken.None);

    [Benchmark(Description = "agent_id (1 of 10 agents)")]
    public Task<CallPage> Agent() => List(_window with { AgentId = 3 });

    [Benchmark(Description = "call_ids: 20 CallLog ids")]
    public Task<CallPage> CallIds() => List(_window with { Ids = _twentyIds });

    [Benchmark(Description = "call_ids: 500 CallLog ids (a dashboard following its pending calls)")]
    public Task<CallPage> ManyCallIds() => List(_window with { Ids = _fiveHundredIds, PageSize = 500 });

    [Benchmark(Description = "search: call_id substring")]
    public Task<CallPage> Search() => List(_window with { Search = "call-004242" });

    [Benchmark(Description = "metadata.tier eq gold (~12%)")]
    public Task<CallPage> MetadataCommon() => Filtered("""{"field": "metadata.tier", "op": "eq", "value": "gold"}""");

    [Benchmark(Description = "metadata.customer_id eq (~20 calls)")]
    public Task<CallPage> MetadataRare() => Filtered("""{"field": "metadata.customer_id", "op": "eq", "value": "cust-4242"}""");

    [Benchmark(Description = "metadata.visits gt 45 (~8%)")]
    public Task<CallPage> MetadataRange() => Filtered("""{"field": "metadata.visits", "op": "gt", "value": 45}""");

    [Benchmark(Description = "success eq false (~25%)")]
    public Task<CallPage> Success() => Filtered("""{"field": "success", "op": "eq", "value": false}""");

    [Benchmark(Description = "is_reviewed eq true (~3%)")]
    public Task<CallPage> Reviewed() => Filtered("""{"field": "is_reviewed", "op": "eq", "value": true}""");

    [Benchmark(Description = "duration gt 600 s (~33%)")]
    public Task<CallPage> Duration() => Filtered("""{"field": "duration", "op": "gt", "value": 600}""");

    [Benchmark(Description = "customer_number startswith (~0.1%)")]
    public Task<CallPage> CustomerPrefix() => Filtered("""{"field": "customer_number", "op": "startswith", "value": "+1555010"}""");

    [Benchmark(Description = "customer_number contains")]
    public Task<CallPage> CustomerContains() => Filtered("""{"field": "customer_number", "op": "contains", "value": "4242"}""");

    [Benchmark(Description = "status in [..] and metadata.region eq")]
    public Task<CallPage> StatusAndRegion() => Filtered("""
        {"operator": "and", "conditions": [
          {"field": "status", "op": "in", "value": ["failure", "reviewed_failure"]},
          {"field": "metadata.region", "op": "eq", "value": "eu"}]}
        """);

    [Benchmark(Description = "call_ended_reason eq or topic eq")]
    public Task<CallPage> ReasonOrTopic() => Filtered("""
        {"operator": "or", "conditions": [
          {"field": "call_ended_reason", "op": "eq", "value": "silence-timed-out"},
          {"field": "topic", "op": "eq", "value": "cancellation"}]}
        """);

    [Benchmark(Description = "agent_id and success and timestamp range")]
    public Task<CallPage> AgentSuccessWeek() => List(_window with
    {
        AgentId = 5,
        Filter = Parse($$"""
            {"operator": "and", "conditions": [
              {"field": "success", "op": "eq", "value": true},
              {"field": "timestamp", "op": "gte", "value": "{{CallListData.Now.AddDays(-7):O}}"}]}
            """),
    });

    private Task<CallPage> Filtered(string filtersV2) => List(_window with { Filter = Parse(filtersV2) });

    private Task<CallPage> List(CallQuery query) => _store.ListAsync(query, CancellationToken.None);

    /// <summary>Parsed like the API parses filters_v2 (the parse, a few microseconds, is part of each case).</summary>
    private static CallFilter Parse(string json) =>
        CallFilterParser.Parse(json).Filter ?? throw new InvalidOperationException($"bad benchmark filter {json}");
}

/// <summary>The seeded database: reproducible calls (fixed seed and clock) written through the store's own insert.</summary>
internal static class CallListData
{
    public const int Calls = 100_000;
    public const int OtherProjectCalls = 20_000;

    /// <summary>Fixed, so the kept file's calls stay inside every run's 30-day window.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int SeedVersion = 2;

    public static string Path => Environment.GetEnvironmentVariable("CEKURA_BENCH_DB")
        ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cekura-call-list-bench-v{SeedVersion}.db");

    private static readonly string[] Tiers = ["gold", "silver", "silver", "bronze", "bronze", "free", "free", "free"];
    private static readonly string[] Regions = ["eu", "us", "us", "apac"];
    private static readonly string[] EndReasons =
        ["customer-ended-call", "customer-ended-call", "agent-ended-call", "silence-timed-out", "voicemail", "pipeline-error"];
    private static readonly string[] Topics = ["billing", "booking", "cancellation", "complaint", "order status", "refund", "technical", "other"];

    public static void EnsureSeeded()
    {
        if (File.Exists(Path))
        {
            Console.WriteLine($"Using the seeded database {Path}");
            return;
        }
        var building = Path + ".building";
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(building + suffix);
        }
        var store = new SqliteCallStore(new SqliteDatabase(building));
        var watch = Stopwatch.StartNew();
        // A few writers at once: SQLite serializes the writes, but serializing and preparing each call overlaps.
        var total = Calls + OtherProjectCalls;
        var next = -1;
        Task.WaitAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < total; i = Interlocked.Increment(ref next))
            {
                await store.InsertAsync(Call(i), CancellationToken.None);
                if (i % 10_000 == 9_999)
                {
                    Console.WriteLine($"  seeded {i + 1:N0} calls in {watch.Elapsed.TotalSeconds:0} s");
                }
            }
        })).ToArray());
        Console.WriteLine($"Seeded {total:N0} calls through SqliteCallStore.InsertAsync in {watch.Elapsed.TotalSeconds:0} s " +
            $"({total / watch.Elapsed.TotalSeconds:0} calls/s, synchronous=FULL, one transaction each)");
        using (var connection = new SqliteConnection($"Data Source={building}"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        File.Move(building, Path);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            File.Delete(building + suffix);
        }
    }

    /// <summary>Call <paramref name="i"/>: project 1 for the first <see cref="Calls"/>, then project 2; values drawn from a seeded generator.</summary>
    private static CallLog Call(int i)
    {
        var random = new Random(i);
        var project = i < Calls ? 1L : 2L;
        var timestamp = Now.AddSeconds(-random.Next(0, 30 * 24 * 3600));
        var reviewed = random.Next(100) < 3;
        bool? success = random.Next(100) switch
        {
            < 70 => true,
            < 95 => false,
            _ => null,
        };
        var duration = 10 + random.Next(0, 890) + random.Next(0, 100) / 100.0;
        var metadata = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["customer_id"] = $"cust-{random.Next(5000)}",
            ["tier"] = Tiers[random.Next(Tiers.Length)],
            ["region"] = Regions[random.Next(Regions.Length)],
            ["visits"] = random.Next(50),
        });
        return new CallLog
        {
            OrganizationId = project,
            ProjectId = project,
            CallId = $"call-{i:D6}",
            AgentId = project == 1 ? 1 + i % 10 : 100,
            AgentName = $"Agent {1 + i % 10}",
            CallEndedReason = EndReasons[random.Next(EndReasons.Length)],
            CustomerNumber = $"+1555{random.Next(0, 10_000_000):D7}",
            Timestamp = timestamp,
            TranscriptType = "cekura",
            TranscriptObject = Transcript(random),
            Metadata = metadata,
            Stage = success is null ? CallStage.Redacted : CallStage.Evaluated,
            StageChangedAt = timestamp.AddMinutes(1),
            OutboxPublishedAt = timestamp.AddMinutes(1),
            DurationSeconds = duration,
            Success = success,
            Status = success is not { } s ? null : reviewed ? (s ? "reviewed_success" : "reviewed_failure") : (s ? "success" : "failure"),
            IsReviewed = reviewed && success is not null,
            Topic = Topics[random.Next(Topics.Length)],
            CreatedAt = timestamp,
            UpdatedAt = timestamp.AddMinutes(1),
        };
    }

    /// <summary>Twelve turns (about 1 KB of text), so documents are the size of short real calls.</summary>
    private static IReadOnlyList<TranscriptEntry> Transcript(Random random)
    {
        string[] agent = ["Thanks for calling, how can I help you today?", "Let me check that for you.", "Is there anything else I can do?"];
        string[] caller = ["Hi, I have a question about my last bill.", "Yes, the order number is 4471.", "No, that is all, thank you."];
        var entries = new List<TranscriptEntry>();
        var time = random.NextDouble();
        for (var turn = 0; turn < 12; turn++)
        {
            var agentTurn = turn % 2 == 0;
            var text = agentTurn ? agent[turn / 2 % agent.Length] : caller[turn / 2 % caller.Length];
            entries.Add(new TranscriptEntry
            {
                Role = agentTurn ? TranscriptRoles.MainAgent : TranscriptRoles.TestingAgent,
                Content = text, StartTime = Math.Round(time, 2), EndTime = Math.Round(time + 2.5, 2),
            });
            time += 3 + random.NextDouble();
        }
        return entries;
    }
}
