using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests.Sqlite;

/// <summary>
/// Group commit in the SQLite store: writes queued together share one transaction, yet each caller gets its own
/// result only once that transaction has committed. To put chosen writes into one batch, a test first holds the
/// writer inside a write of its own (<see cref="HoldWriterAsync"/>), queues the writes, then lets it go: the writer
/// takes everything queued meanwhile as its next batch.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-group-commit-{Guid.NewGuid():N}.db");
    private readonly List<SqliteDatabase> _databases = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private SqliteDatabase Database(int maxBatch = SqliteDatabase.DefaultMaxBatch)
    {
        var database = new SqliteDatabase(_path, maxBatch);
        _databases.Add(database);
        return database;
    }

    [Fact]
    public async Task Concurrent_inserts_and_replaces_each_get_their_own_result()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        const int calls = 200;

        var stored = await Task.WhenAll(Enumerable.Range(0, calls)
            .Select(i => Task.Run(() => store.InsertAsync(MinimalCall(callId: $"call-{i}") with { Feedback = $"f{i}" }, Ct))));

        Assert.Equal(calls, stored.Select(c => c.Id).Distinct().Count());
        foreach (var call in stored)
        {
            var loaded = await store.GetAsync(1, call.Id, Ct);
            Assert.Equal(call.CallId, loaded?.CallId);
            Assert.Equal("f" + call.CallId["call-".Length..], loaded?.Feedback);
            Assert.Equal(1, loaded?.Version);
        }

        // Two writers race from the same version on every call: exactly one of each pair wins.
        var replaced = await Task.WhenAll(stored.SelectMany(call => new[] { "a", "b" }.Select(writer =>
            Task.Run(async () => (call.Id, Writer: writer, Saved: await store.ReplaceAsync(call with { Feedback = writer }, Ct))))));

        foreach (var pair in replaced.GroupBy(r => r.Id))
        {
            var winner = Assert.Single(pair, r => r.Saved is not null);
            Assert.Equal(2, winner.Saved!.Version);
            Assert.Equal(winner.Writer, (await store.GetAsync(1, pair.Key, Ct))?.Feedback);
        }
        Assert.Equal(3 * calls, database.WriteCounts.Writes);
    }

    [Fact]
    public async Task Writes_queued_together_commit_in_one_transaction()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        var (held, release) = await HoldWriterAsync(database);

        var inserts = Enumerable.Range(0, 50).Select(i => store.InsertAsync(MinimalCall(callId: $"batched-{i}"), Ct)).ToList();
        Assert.Equal((1L, 1L), database.WriteCounts);
        release.SetResult();
        await held;
        var stored = await Task.WhenAll(inserts);

        Assert.Equal((2L, 51L), database.WriteCounts);
        Assert.Equal(50, stored.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_batch_holds_at_most_MaxBatch_writes()
    {
        var database = Database(maxBatch: 3);
        var store = new SqliteCallStore(database);
        var (held, release) = await HoldWriterAsync(database);

        var inserts = Enumerable.Range(0, 10).Select(i => store.InsertAsync(MinimalCall(callId: $"small-{i}"), Ct)).ToList();
        release.SetResult();
        await held;
        await Task.WhenAll(inserts);

        Assert.Equal((1L + 4, 11L), database.WriteCounts);
    }

    [Fact]
    public async Task One_write_per_transaction_when_MaxBatch_is_1()
    {
        var database = Database(maxBatch: 1);
        var store = new SqliteCallStore(database);
        var (held, release) = await HoldWriterAsync(database);

        var inserts = Enumerable.Range(0, 5).Select(i => store.InsertAsync(MinimalCall(callId: $"alone-{i}"), Ct)).ToList();
        var duplicate = store.InsertAsync(MinimalCall(callId: "alone-0"), Ct);
        release.SetResult();
        await held;
        await Task.WhenAll(inserts);

        Assert.Equal((await inserts[0]).Id, (await Assert.ThrowsAsync<DuplicateCallException>(() => duplicate)).ExistingId);
        Assert.Equal((7L, 7L), database.WriteCounts);
    }

    [Fact]
    public async Task A_duplicate_call_id_within_a_batch_fails_only_its_own_caller()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        var earlier = await store.InsertAsync(MinimalCall(callId: "earlier"), Ct);
        var (held, release) = await HoldWriterAsync(database);

        var first = store.InsertAsync(MinimalCall(callId: "same"), Ct);
        var second = store.InsertAsync(MinimalCall(callId: "same"), Ct);
        var other = store.InsertAsync(MinimalCall(callId: "other"), Ct);
        var again = store.InsertAsync(MinimalCall(callId: "earlier"), Ct);
        var otherProject = store.InsertAsync(MinimalCall(projectId: 2, callId: "same"), Ct);
        release.SetResult();
        await held;

        var stored = await first;
        Assert.Equal(stored.Id, (await Assert.ThrowsAsync<DuplicateCallException>(() => second)).ExistingId);
        Assert.Equal(earlier.Id, (await Assert.ThrowsAsync<DuplicateCallException>(() => again)).ExistingId);
        Assert.Equal("other", (await store.GetAsync(1, (await other).Id, Ct))?.CallId);
        Assert.Equal(2, (await store.GetAsync(2, (await otherProject).Id, Ct))?.ProjectId);
        Assert.Equal(stored.Id, (await store.FindByCallIdAsync(1, "same", Ct))?.Id);
        Assert.Equal(2L + 1, database.WriteCounts.Transactions);
    }

    [Fact]
    public async Task A_compare_and_swap_conflict_within_a_batch_fails_only_its_own_caller()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        var call = await store.InsertAsync(MinimalCall(callId: "cas"), Ct);
        var bystander = await store.InsertAsync(MinimalCall(callId: "bystander"), Ct);
        var (held, release) = await HoldWriterAsync(database);

        var winner = store.ReplaceAsync(call with { Feedback = "first" }, Ct);
        var loser = store.ReplaceAsync(call with { Feedback = "second" }, Ct);
        var unrelated = store.ReplaceAsync(bystander with { Feedback = "mine" }, Ct);
        var missing = store.ReplaceAsync(call with { Id = call.Id + 1000, Feedback = "nobody" }, Ct);
        release.SetResult();
        await held;

        Assert.Equal(2, (await winner)?.Version);
        Assert.Null(await loser);
        Assert.Equal(2, (await unrelated)?.Version);
        Assert.Null(await missing);
        Assert.Equal("first", (await store.GetAsync(1, call.Id, Ct))?.Feedback);
        Assert.Equal("mine", (await store.GetAsync(1, bystander.Id, Ct))?.Feedback);
    }

    [Fact]
    public async Task A_failing_write_is_rolled_back_alone_and_does_not_poison_its_batch()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        await store.InsertAsync(MinimalCall(callId: "schema ready"), Ct);
        var (held, release) = await HoldWriterAsync(database);

        var before = store.InsertAsync(MinimalCall(callId: "before"), Ct);
        // Writes a row, then fails: its row must not survive, whatever the others do.
        var failing = database.WriteAsync<long>(async (connection, transaction, token) =>
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO calls (project_id, call_id, agent_id, ts, stage, stage_changed_at, version, doc)
                VALUES (1, 'half-written', 7, 0, 'received', 0, 1, '{}')
                """, token);
            throw new InvalidOperationException("broken after writing");
        }, Ct);
        var badSql = database.WriteAsync<long>(async (connection, transaction, token) =>
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO calls (project_id) VALUES (1)", token);
            return 0;
        }, Ct);
        var after = store.InsertAsync(MinimalCall(callId: "after"), Ct);
        release.SetResult();
        await held;

        Assert.Equal("broken after writing", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.Contains("NOT NULL", (await Assert.ThrowsAsync<SqliteException>(() => badSql)).Message);
        Assert.NotNull(await store.GetAsync(1, (await before).Id, Ct));
        Assert.NotNull(await store.GetAsync(1, (await after).Id, Ct));
        Assert.Null(await store.FindByCallIdAsync(1, "half-written", Ct));
        Assert.Equal(2L + 1, database.WriteCounts.Transactions);
    }

    [Fact]
    public async Task A_write_that_ends_the_transaction_fails_alone_and_the_others_are_committed_in_a_new_one()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        await store.InsertAsync(MinimalCall(callId: "schema ready"), Ct);
        var (held, release) = await HoldWriterAsync(database);

        var before = store.InsertAsync(MinimalCall(callId: "before"), Ct);
        // As SQLite does itself on some errors (disk full, I/O): the whole transaction is rolled back.
        var rollback = database.WriteAsync<long>(async (connection, transaction, token) =>
        {
            await ExecuteAsync(connection, transaction, "ROLLBACK", token);
            throw new InvalidOperationException("transaction gone");
        }, Ct);
        var after = store.InsertAsync(MinimalCall(callId: "after"), Ct);
        release.SetResult();
        await held;

        await Assert.ThrowsAsync<InvalidOperationException>(() => rollback);
        Assert.Equal("before", (await store.GetAsync(1, (await before).Id, Ct))?.CallId);
        Assert.Equal("after", (await store.GetAsync(1, (await after).Id, Ct))?.CallId);
        Assert.Equal(3L + 1, database.WriteCounts.Transactions);
    }

    [Fact]
    public async Task When_the_commit_fails_every_write_of_the_batch_fails_and_none_is_stored()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        await store.InsertAsync(MinimalCall(callId: "schema ready"), Ct);
        // A deferred foreign key is checked at COMMIT: a write that breaks it lets every statement succeed and the
        // commit fail, exactly what a full disk or an I/O error at commit looks like to the callers.
        await using (var setup = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            await setup.OpenAsync();
            await SqliteDatabase.ExecuteAsync(setup, """
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
                """, Ct);
        }
        var (held, release) = await HoldWriterAsync(database);

        var first = store.InsertAsync(MinimalCall(callId: "first"), Ct);
        var orphan = database.WriteAsync<long>(async (connection, transaction, token) =>
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO child (parent_id) VALUES (42)", token);
            return 1;
        }, Ct);
        var second = store.InsertAsync(MinimalCall(callId: "second"), Ct);
        release.SetResult();
        await held;

        foreach (var write in new Task[] { first, orphan, second })
        {
            Assert.Contains("FOREIGN KEY", (await Assert.ThrowsAsync<SqliteException>(() => write)).Message);
        }
        Assert.Null(await store.FindByCallIdAsync(1, "first", Ct));
        Assert.Null(await store.FindByCallIdAsync(1, "second", Ct));
        // The writer goes on with the next batch.
        Assert.Equal("third", (await store.GetAsync(1, (await store.InsertAsync(MinimalCall(callId: "third"), Ct)).Id, Ct))?.CallId);
    }

    [Fact]
    public async Task A_batch_that_waited_out_the_busy_timeout_fails_as_busy_and_stores_nothing_and_the_writer_goes_on()
    {
        var database = new SqliteDatabase(_path, busyTimeoutSeconds: 1);
        _databases.Add(database);
        var store = new SqliteCallStore(database);
        await store.InsertAsync(MinimalCall(callId: "schema ready"), Ct);
        // Another process's writer (a second connection here) holds the file's write lock longer than the timeout.
        await using var other = new SqliteConnection($"Data Source={_path};Pooling=False");
        await other.OpenAsync();
        var blocking = other.BeginTransaction(deferred: false);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var busy = await Assert.ThrowsAsync<StoreBusyException>(() => store.InsertAsync(MinimalCall(callId: "blocked"), Ct));

        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(0.9), $"failed after {started.Elapsed} instead of waiting for the lock");
        Assert.Equal(5, ((SqliteException)busy.InnerException!).SqliteErrorCode); // SQLITE_BUSY
        blocking.Rollback();
        Assert.Null(await store.FindByCallIdAsync(1, "blocked", Ct));
        // The same write succeeds once the lock is free.
        Assert.Equal("blocked", (await store.InsertAsync(MinimalCall(callId: "blocked"), Ct)).CallId);
    }

    [Fact]
    public async Task A_caller_resumes_only_when_its_write_is_visible_to_every_other_connection()
    {
        var store = new SqliteCallStore(Database());
        await store.InsertAsync(MinimalCall(callId: "schema ready"), Ct);

        // An uncommitted row is invisible to other connections (WAL), so a result handed out before the commit
        // would make some of these reads miss.
        var seen = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            var stored = await store.InsertAsync(MinimalCall(callId: $"visible-{i}"), Ct);
            await using var other = new SqliteConnection($"Data Source={_path};Pooling=False");
            await other.OpenAsync();
            await using var read = other.CreateCommand();
            read.CommandText = "SELECT call_id FROM calls WHERE id = $id";
            read.Parameters.AddWithValue("$id", stored.Id);
            return (Expected: stored.CallId, Seen: await read.ExecuteScalarAsync() as string);
        })));

        Assert.All(seen, s => Assert.Equal(s.Expected, s.Seen));
    }

    [Fact]
    public async Task A_write_cancelled_while_queued_is_not_written()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        await store.InsertAsync(MinimalCall(callId: "schema ready"), Ct);
        var (held, release) = await HoldWriterAsync(database);

        using var cancel = new CancellationTokenSource();
        var cancelled = store.InsertAsync(MinimalCall(callId: "cancelled"), cancel.Token);
        var kept = store.InsertAsync(MinimalCall(callId: "kept"), Ct);
        cancel.Cancel();
        release.SetResult();
        await held;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.NotNull(await kept);
        Assert.Null(await store.FindByCallIdAsync(1, "cancelled", Ct));
    }

    [Fact]
    public async Task Disposing_commits_every_queued_write_then_refuses_new_ones()
    {
        var database = Database();
        var store = new SqliteCallStore(database);
        var (held, release) = await HoldWriterAsync(database);

        var queued = Enumerable.Range(0, 20).Select(i => store.InsertAsync(MinimalCall(callId: $"queued-{i}"), Ct)).ToList();
        var disposing = database.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.InsertAsync(MinimalCall(callId: "too late"), Ct));
        release.SetResult();
        await held;
        await disposing.WaitAsync(Deadline);

        // Committed by the time disposing returns (the callers resume a moment later, off the writer).
        var reopened = new SqliteCallStore(Database());
        for (var i = 0; i < queued.Count; i++)
        {
            Assert.NotNull(await reopened.FindByCallIdAsync(1, $"queued-{i}", Ct));
        }
        Assert.Null(await reopened.FindByCallIdAsync(1, "too late", Ct));
        var stored = await Task.WhenAll(queued).WaitAsync(Deadline);
        Assert.Equal(20, stored.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task Webhook_enqueues_of_one_delivery_key_within_a_batch_create_one_delivery()
    {
        var database = Database();
        var outbox = new SqliteWebhookOutbox(database);
        var (held, release) = await HoldWriterAsync(database);

        var enqueues = Enumerable.Range(0, 3).Select(_ => outbox.EnqueueAsync(Delivery("call-10-completed"), Ct))
            .Append(outbox.EnqueueAsync(Delivery("call-11-completed"), Ct)).ToList();
        release.SetResult();
        await held;
        var results = await Task.WhenAll(enqueues);

        Assert.Equal([true, false, false, true], results.Select(r => r.Created));
        Assert.Single(results.Take(3).Select(r => r.Delivery.Id).Distinct());
        Assert.Equal(2L, database.WriteCounts.Transactions);
    }

    private static WebhookDelivery Delivery(string key) => new()
    {
        DeliveryKey = key,
        ProjectId = 1,
        CallLogId = 10,
        Url = "https://hooks.example/cekura",
        Body = """{"event_type":"call_log.completed"}""",
        CreatedAt = Time,
        NextAttemptAt = Time,
    };

    /// <summary>Holds the writer inside a write of the test's own until <c>Release</c> is set.</summary>
    private static async Task<(Task<bool> Held, TaskCompletionSource Release)> HoldWriterAsync(SqliteDatabase database)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = database.WriteCounts;
        var held = database.WriteAsync(async (_, _, _) =>
        {
            entered.SetResult();
            await release.Task;
            return true;
        }, Ct);
        await entered.Task.WaitAsync(Deadline);
        Assert.Equal((before.Transactions + 1, before.Writes + 1), database.WriteCounts);
        return (held, release);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken token)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(token);
    }
}
