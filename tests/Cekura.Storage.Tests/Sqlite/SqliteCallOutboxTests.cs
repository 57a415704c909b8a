using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests.Sqlite;

/// <summary>What only the SQLite outbox can show: its query plan, and rows damaged behind the store's back.</summary>
public sealed class SqliteCallOutboxTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-outbox-{Guid.NewGuid():N}.db");
    private SqliteCallStore _store = null!;
    private SqliteDatabase _database = null!;

    public Task InitializeAsync()
    {
        _database = new SqliteDatabase(_path);
        _store = new SqliteCallStore(_database);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Publish_confirmations_share_the_group_commit_with_the_stage_writes()
    {
        var calls = new List<CallLog>();
        for (var i = 0; i < 3; i++)
        {
            calls.Add(await _store.InsertAsync(MinimalCall(callId: $"g{i}") with { Stage = CallStage.Received }, Ct));
        }
        var before = _database.WriteCounts;

        await _store.MarkPublishedAsync(calls.Select(OwedEvent.Of).ToList(), Time, Ct);

        // One write of the group commit for the whole batch, not a transaction of its own beside it.
        Assert.Equal(before.Writes + 1, _database.WriteCounts.Writes);
        foreach (var call in calls)
        {
            Assert.NotNull((await _store.GetForWorkerAsync(call.Id, Ct))!.OutboxPublishedAt);
        }
    }

    [Fact]
    public async Task A_confirmation_sets_the_column_only_and_reads_give_it_back()
    {
        var call = await _store.InsertAsync(MinimalCall(callId: "c") with { Stage = CallStage.Received }, Ct);
        await ExecuteAsync("""
            CREATE TABLE doc_writes (id INTEGER);
            CREATE TRIGGER count_doc_writes AFTER UPDATE OF doc ON calls BEGIN INSERT INTO doc_writes VALUES (new.id); END;
            """);
        var at = Time.AddMilliseconds(1234);
        var atMs = at.ToUnixTimeMilliseconds();

        await _store.MarkPublishedAsync([OwedEvent.Of(call)], at, Ct);

        // The document (and so every expression index over it) is left alone; the time is read from the column.
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM doc_writes"));
        var read = (await _store.GetForWorkerAsync(call.Id, Ct))!;
        Assert.Equal(atMs, read.OutboxPublishedAt?.ToUnixTimeMilliseconds()); // kept to the millisecond, as in its column
        Assert.Equal(call.Version, read.Version);
        // A whole-call write of what was read keeps it, and a stage change clears it again.
        var kept = (await _store.ReplaceAsync(read with { Feedback = "x" }, Ct))!;
        Assert.Equal(atMs, (await _store.GetForWorkerAsync(call.Id, Ct))!.OutboxPublishedAt?.ToUnixTimeMilliseconds());
        await _store.ReplaceAsync(kept with { Stage = CallStage.Transcribed, StageChangedAt = Time.AddSeconds(1), OutboxPublishedAt = null }, Ct);
        Assert.Null((await _store.GetForWorkerAsync(call.Id, Ct))!.OutboxPublishedAt);
    }

    [Fact]
    public async Task The_claim_reads_each_owed_state_from_the_relay_index_and_never_scans_the_calls()
    {
        // Enough finished and owed calls, with statistics, that a scan would be a real choice for the planner.
        for (var i = 0; i < 300; i++)
        {
            var stage = (CallStage)(i % 5);
            await _store.InsertAsync(MinimalCall(callId: $"c{i}") with
            {
                Stage = stage, StageChangedAt = Time.AddSeconds(-i), OutboxPublishedAt = i % 3 == 0 ? null : Time.AddSeconds(-i),
            }, Ct);
        }
        await ExecuteAsync("ANALYZE");

        var plan = await PlanAsync();
        output.WriteLine(string.Join("\n", plan));

        Assert.Equal(3, plan.Count(step => step.Contains("SEARCH calls USING INDEX calls_relay (relay_state=? AND relay_since<?)", StringComparison.Ordinal)));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN calls", StringComparison.Ordinal));
        // The rows to update are then found by their ids.
        Assert.Contains(plan, step => step.StartsWith("SEARCH calls USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_document_that_no_longer_deserializes_stops_neither_a_claim_nor_its_settlement()
    {
        var damaged = await _store.InsertAsync(MinimalCall(callId: "damaged") with { StageChangedAt = Time.AddMinutes(-1) }, Ct);
        var sound = await _store.InsertAsync(MinimalCall(callId: "sound") with { StageChangedAt = Time.AddMinutes(-1), TraceId = "0af7651916cd43dd8448eb211c80319c" }, Ct);
        var damagedLater = await _store.InsertAsync(MinimalCall(callId: "damaged later") with { StageChangedAt = Time }, Ct);
        foreach (var id in new[] { damaged.Id, damagedLater.Id })
        {
            // Valid JSON (the file's JSON indexes refuse anything else) that is no call log any more.
            await ExecuteAsync($"UPDATE calls SET doc = '{{\"id\": {id}, \"stage\": 42, \"transcript_object\": \"lost\"}}' WHERE id = {id}");
        }
        // Read through a store that does not keep the calls it wrote (as another process would), so the damage shows.
        await Assert.ThrowsAnyAsync<Exception>(() => new SqliteCallStore(_database).GetForWorkerAsync(damaged.Id, Ct));

        var claims = await _store.ClaimDueAsync(new OutboxDue(Time, Time.AddMinutes(-5), Time), 10, Time.AddMinutes(1), Ct);
        await _store.SettleAsync(claims.Select(c => new OutboxSettlement(c, Time, Time.AddMinutes(5))).ToList(), Ct);
        await _store.MarkPublishedAsync([OwedEvent.Of(damagedLater)], Time, Ct);

        Assert.Equal([damaged.Id, sound.Id], claims.Select(c => c.CallLogId).Order());
        Assert.Null(claims.Single(c => c.CallLogId == damaged.Id).TraceId);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", claims.Single(c => c.CallLogId == sound.Id).TraceId);
        Assert.Equal(Time.ToUnixTimeMilliseconds(), (await _store.GetForWorkerAsync(sound.Id, Ct))!.OutboxPublishedAt?.ToUnixTimeMilliseconds());
        Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM calls WHERE outbox_published_at IS NOT NULL AND relay_claim IS NULL"));
    }

    [Fact]
    public async Task The_backlog_counts_walk_partial_indexes_of_the_calls_counted_and_never_scan_the_calls()
    {
        // Mostly finished calls, with statistics, so the planner could choose a scan if the partial indexes did not fit.
        for (var i = 0; i < 300; i++)
        {
            var stage = i % 10 == 0 ? CallStage.Received : i % 2 == 0 ? CallStage.Failed : CallStage.Evaluated;
            await _store.InsertAsync(MinimalCall(callId: $"c{i}") with { Stage = stage, StageChangedAt = Time, OutboxPublishedAt = Time }, Ct);
        }
        await ExecuteAsync("ANALYZE");

        var waiting = await PlanAsync(SqliteCallStore.WaitingSql);
        var owed = await PlanAsync(SqliteCallStore.OwedSql);

        output.WriteLine(string.Join("\n", waiting.Concat(owed)));
        Assert.Contains(waiting, step => step.Contains("COVERING INDEX calls_waiting", StringComparison.Ordinal));
        Assert.Contains(owed, step => step.Contains("COVERING INDEX calls_owed", StringComparison.Ordinal));
        Assert.DoesNotContain(waiting.Concat(owed), step => step.StartsWith("SCAN calls", StringComparison.Ordinal) && !step.Contains("INDEX"));
        Assert.Equal(30, (await _store.CountBacklogAsync(Ct)).Waiting[CallStage.Received]);
    }

    private async Task<List<string>> PlanAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }
        return steps;
    }

    private async Task<List<string>> PlanAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteCallStore.ClaimSql;
        SqliteCallStore.AddClaimParameters(command, new OutboxDue(Time, Time.AddMinutes(-5), Time), 200, Time.AddMinutes(1), "claim");
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }
        return steps;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await SqliteDatabase.ExecuteAsync(connection, sql, Ct);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
