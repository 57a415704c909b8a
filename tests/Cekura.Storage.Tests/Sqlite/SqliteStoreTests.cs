using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests.Sqlite;

public sealed class SqliteStoreTests(ITestOutputHelper output) : StoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-test-{Guid.NewGuid():N}.db");

    protected override Task<(ICallStore Calls, IAgentStore Agents, IApiKeyStore Keys)> OpenStoresAsync()
    {
        var database = new SqliteDatabase(_path);
        return Task.FromResult<(ICallStore, IAgentStore, IApiKeyStore)>(
            (new SqliteCallStore(database), new SqliteAgentStore(database), new SqliteApiKeyStore(database)));
    }

    protected override ICallOutbox OpenSecondOutbox() => new SqliteCallStore(new SqliteDatabase(_path));

    protected override Task CloseStoresAsync()
    {
        // Pooled connections keep the file (and its -wal/-shm) open.
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_database_instances_on_one_file_insert_concurrently_without_errors()
    {
        // Two SqliteDatabase objects stand in for two processes: separate pools, separate schema initialization.
        var stores = new[] { new SqliteCallStore(new SqliteDatabase(_path)), new SqliteCallStore(new SqliteDatabase(_path)) };
        const int perWriter = 50;

        await Task.WhenAll(stores.SelectMany((store, s) => Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await store.InsertAsync(MinimalCall(callId: $"s{s}-w{w}-{i}"), Ct);
            }
        }))));

        var page = await stores[0].ListAsync(AllOf(1) with { PageSize = 1000 }, Ct);
        Assert.Equal(4 * perWriter, page.Count);
        Assert.Equal(4 * perWriter, page.Items.Select(c => c.Id).Distinct().Count());
        Assert.Equal(4 * perWriter, (await stores[1].ListAsync(AllOf(1) with { PageSize = 1000 }, Ct)).Items.Count);
    }

    [Fact]
    public async Task Documents_written_as_bytes_are_stored_as_json_text_and_read_back_whole()
    {
        // The store binds UTF-8 bytes and casts them to TEXT: json_extract, the generated filter columns and anyone
        // opening the file with sqlite3 must still see text, including characters beyond ASCII.
        var (calls, _, _) = await OpenStoresAsync();
        var stored = await calls.InsertAsync(FullCall() with { CustomerNumber = "+4915112345678", AgentName = "Zoë – 客服 😀" }, Ct);
        var replaced = await calls.ReplaceAsync(stored with { Feedback = "très bien" }, Ct);
        Assert.NotNull(replaced);

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(doc), json_extract(doc, '$.agent_name'), json_extract(doc, '$.feedback'), json_extract(doc, '$.id') FROM calls";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("text", "Zoë – 客服 😀", "très bien", stored.Id),
            (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        AssertSameJson(replaced, (await calls.GetAsync(stored.ProjectId, stored.Id, Ct))!);
    }

    [Fact]
    public async Task The_transcript_is_kept_apart_and_rewritten_only_when_it_changes()
    {
        var (calls, _, _) = await OpenStoresAsync();
        var stored = await calls.InsertAsync(FullCall(), Ct);
        // Counts the writes to call_transcripts from here on, whichever connection makes them.
        await ExecuteAsync("""
            CREATE TABLE transcript_writes (id INTEGER);
            CREATE TRIGGER count_transcript_writes AFTER UPDATE ON call_transcripts BEGIN
                INSERT INTO transcript_writes VALUES (new.id);
            END;
            """);
        Assert.Equal("[]", await ScalarAsync($"SELECT json_extract(doc, '$.transcript_object') FROM calls WHERE id = {stored.Id}"));
        Assert.Equal("Done.", await ScalarAsync($"SELECT json_extract(body, '$.transcript_object[4].content') FROM call_transcripts WHERE id = {stored.Id}"));

        // A stage's write that leaves the transcript as it was: the document changes, the transcript row is not written.
        var evaluated = (await calls.ReplaceAsync(stored with { Success = true, Feedback = "ok" }, Ct))!;
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM transcript_writes"));
        AssertSameJson(evaluated, (await calls.GetAsync(stored.ProjectId, stored.Id, Ct))!);

        // One that changes it (as redaction does): written once, and read back.
        var redacted = (await calls.ReplaceAsync(evaluated with
        {
            TranscriptObject = [.. evaluated.TranscriptObject.Select(t => t with { Content = t.Content.Length == 0 ? "" : "[REDACTED]" })],
        }, Ct))!;
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM transcript_writes"));
        var read = (await calls.GetAsync(stored.ProjectId, stored.Id, Ct))!;
        AssertSameJson(redacted, read);
        Assert.Equal("[REDACTED]", read.TranscriptObject[0].Content);

        // A sealed transcript lives there too, and a compare-and-swap that loses writes neither part.
        var sealedCall = (await calls.ReplaceAsync(read with { TranscriptObject = [], SealedTranscript = "ciphertext" }, Ct))!;
        Assert.Null(await calls.ReplaceAsync(read with { Feedback = "stale" }, Ct));
        AssertSameJson(sealedCall, (await calls.GetForWorkerAsync(stored.Id, Ct))!);

        Assert.True(await calls.DeleteAsync(stored.ProjectId, stored.Id, Ct));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM call_transcripts"));
    }

    [Fact]
    public async Task A_call_stored_with_its_transcript_in_the_document_keeps_it_through_a_write_that_leaves_it_as_read()
    {
        // Calls written before call_transcripts existed have no row there. A write that keeps the transcript it read
        // skips rewriting the row only for a call whose row exists; this one must get its row on the first write.
        var (calls, _, _) = await OpenStoresAsync();
        var stored = await calls.InsertAsync(FullCall(), Ct);
        var transcript = JsonSerializer.Serialize(stored.TranscriptObject, CekuraJson.Options).Replace("'", "''");
        await ExecuteAsync($"""
            UPDATE calls SET doc = json_set(doc, '$.transcript_object', json('{transcript}')) WHERE id = {stored.Id};
            DELETE FROM call_transcripts WHERE id = {stored.Id};
            """);
        var old = new SqliteCallStore(new SqliteDatabase(_path));
        var read = (await old.GetForWorkerAsync(stored.Id, Ct))!;
        Assert.Equal(stored.TranscriptObject, read.TranscriptObject);

        var written = (await old.ReplaceAsync(read with { Feedback = "moved" }, Ct))!;

        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM call_transcripts WHERE id = {stored.Id}"));
        var again = (await new SqliteCallStore(new SqliteDatabase(_path)).GetForWorkerAsync(stored.Id, Ct))!;
        Assert.Equal(("moved", stored.TranscriptObject.Count), (again.Feedback, again.TranscriptObject.Count));
        Assert.Equal(stored.TranscriptObject, again.TranscriptObject);
        Assert.Equal(written.Version, again.Version);
    }

    [Fact]
    public async Task The_indexed_columns_hold_what_the_document_holds()
    {
        // Filters, look-ups and the metadata triggers read these columns, not the JSON: each must equal json_extract
        // of the stored document, for a call with every field set, one with none, and after a replace changes them.
        var (calls, _, _) = await OpenStoresAsync();
        var full = await calls.InsertAsync(FullCall() with { RedeliverAt = Time.AddMinutes(3), Success = false, DurationSeconds = 12 }, Ct);
        await calls.InsertAsync(MinimalCall(callId: "bare"), Ct);
        await calls.ReplaceAsync(full with
        {
            Success = true, Status = "success", Topic = null, IsReviewed = false, RedeliverAt = null,
            Metadata = Json("""{"tier": "silver", "nested": {"a": [1, 2]}}"""),
        }, Ct);

        const string paths = """
            success IS json_extract(doc, '$.success') AND status IS json_extract(doc, '$.status')
            AND duration_seconds IS json_extract(doc, '$.duration_seconds') AND customer_number IS json_extract(doc, '$.customer_number')
            AND call_ended_reason IS json_extract(doc, '$.call_ended_reason') AND topic IS json_extract(doc, '$.topic')
            AND dropoff_point IS json_extract(doc, '$.dropoff_point') AND is_reviewed IS json_extract(doc, '$.is_reviewed')
            AND trace_id IS json_extract(doc, '$.trace_id') AND recording_key IS json_extract(doc, '$.recording.blob_key')
            AND redeliver_at IS json_extract(doc, '$.redeliver_at')
            AND json(metadata) IS (CASE WHEN json_type(doc, '$.metadata') = 'object' THEN json_extract(doc, '$.metadata') END)
            """;
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM calls"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM calls WHERE NOT ({paths})"));
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM call_metadata WHERE call_rowid = {full.Id}"));
        var silver = new FilterCondition(FilterField.Metadata, "tier", FilterOp.Eq, [new FilterValue.Text("silver")]);
        Assert.Equal([full.Id], (await calls.ListAsync(AllOf(1) with { Filter = silver }, Ct)).Items.Select(c => c.Id));
    }

    [Fact]
    public async Task A_replace_writes_only_the_columns_it_changes()
    {
        // SQLite rewrites the entry of every index over a column in an UPDATE's SET list, even when the value is the
        // same, and writes each page it touches to the WAL. A stage write that changes the stage and the outcome must
        // not rewrite the other filter indexes: counted as the WAL frames (pages) its transaction wrote.
        var (calls, _, _) = await OpenStoresAsync();
        var stored = await calls.InsertAsync(FullCall() with { RedeliverAt = Time.AddMinutes(3), DurationSeconds = 12 }, Ct);

        var stageOnly = await WalFramesOfAsync(() => calls.ReplaceAsync(stored with { Stage = CallStage.Evaluated }, Ct));
        var current = (await calls.GetForWorkerAsync(stored.Id, Ct))!;
        var nothingIndexed = await WalFramesOfAsync(() => calls.ReplaceAsync(current with { Feedback = "fine" }, Ct));
        current = (await calls.GetForWorkerAsync(stored.Id, Ct))!;
        var everything = await WalFramesOfAsync(() => calls.ReplaceAsync(current with
        {
            Success = !(current.Success ?? false), Status = "other", DurationSeconds = 13, CustomerNumber = "+15550000000",
            CallEndedReason = "other", Topic = "other", DropoffPoint = "other", IsReviewed = !current.IsReviewed,
            RedeliverAt = null, Metadata = Json("""{"tier": "bronze"}"""),
        }, Ct));

        // The table's page, plus the two partial indexes over the stage (calls_waiting, calls_owed).
        Assert.InRange(stageOnly, 1, 4);
        Assert.Equal(1, nothingIndexed);
        // The comparison: every filter index and the metadata rows rewritten, as each write did before.
        Assert.True(everything >= 10, $"a write of every column wrote {everything} pages");
        var stages = (await calls.GetForWorkerAsync(stored.Id, Ct))!;
        Assert.Equal((CallStage.Evaluated, "fine", "other", 13.0), (stages.Stage, stages.Feedback, stages.Status, stages.DurationSeconds!.Value));
        Assert.Equal(0L, await ScalarAsync("""
            SELECT count(*) FROM calls WHERE NOT (stage = 'evaluated' AND status IS json_extract(doc, '$.status')
                AND duration_seconds IS json_extract(doc, '$.duration_seconds') AND redeliver_at IS NULL
                AND json(metadata) IS json_extract(doc, '$.metadata'))
            """));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM call_metadata WHERE call_rowid = {stored.Id} AND atom = 'bronze'"));
    }

    [Fact]
    public async Task A_read_of_the_version_the_store_wrote_does_not_parse_the_document_again()
    {
        // The stages read each call right after the one before wrote it; parsing that document again was a tenth of
        // the host's CPU. The proof that a read skips it: a document spoiled behind the store's back (same version)
        // still reads as written through the store that wrote it, and fails through a store that did not.
        var (calls, _, _) = await OpenStoresAsync();
        var stored = await calls.InsertAsync(FullCall(), Ct);
        var written = (await calls.ReplaceAsync(stored with { Feedback = "kept" }, Ct))!;
        await ExecuteAsync($"UPDATE calls SET doc = '{{\"stage\": 42}}' WHERE id = {written.Id}");

        var read = (await calls.GetForWorkerAsync(written.Id, Ct))!;
        var byProject = (await calls.GetAsync(written.ProjectId, written.Id, Ct))!;

        Assert.Same(written, read);
        Assert.Same(written, byProject);
        Assert.Equal("kept", read.Feedback);
        Assert.Equal(written.TranscriptObject, read.TranscriptObject);
        var fresh = new SqliteCallStore(new SqliteDatabase(_path));
        await Assert.ThrowsAnyAsync<JsonException>(() => fresh.GetForWorkerAsync(written.Id, Ct));
    }

    [Fact]
    public async Task A_version_written_by_another_store_is_read_from_the_row_not_from_what_this_store_kept()
    {
        // Two store instances stand in for two processes on one file: each keeps what it wrote, and the version decides.
        var (calls, _, _) = await OpenStoresAsync();
        var other = new SqliteCallStore(new SqliteDatabase(_path));
        var stored = await calls.InsertAsync(FullCall(), Ct);
        var mine = (await calls.ReplaceAsync(stored with { Feedback = "mine" }, Ct))!;

        var theirs = (await other.ReplaceAsync((await other.GetForWorkerAsync(mine.Id, Ct))! with { Feedback = "theirs", OutboxPublishedAt = null }, Ct))!;
        await other.MarkPublishedAsync([new OwedEvent(theirs.Id, theirs.ProjectId, theirs.Stage, theirs.StageChangedAt, theirs.TraceId)], Time.AddMinutes(1), Ct);

        foreach (var read in new[]
        {
            await calls.GetForWorkerAsync(mine.Id, Ct), await calls.GetAsync(mine.ProjectId, mine.Id, Ct),
            await calls.FindByCallIdAsync(mine.ProjectId, mine.CallId, Ct),
            (await calls.ListAsync(AllOf(mine.ProjectId) with { Ids = [mine.Id] }, Ct)).Items.Single(),
        })
        {
            Assert.Equal(("theirs", theirs.Version), (read!.Feedback, read.Version));
            // The publish confirmation is a column of its own, written without a new version: it is read every time.
            Assert.Equal(Time.AddMinutes(1).ToUnixTimeMilliseconds(), read.OutboxPublishedAt?.ToUnixTimeMilliseconds());
        }
        // And a stale copy cannot be written back over theirs.
        Assert.Null(await calls.ReplaceAsync(mine with { Feedback = "lost" }, Ct));
        Assert.True(await other.DeleteAsync(mine.ProjectId, mine.Id, Ct));
        Assert.Null(await calls.GetForWorkerAsync(mine.Id, Ct));
    }

    /// <summary>The WAL frames <paramref name="write"/> adds, from a WAL emptied just before it.</summary>
    private async Task<int> WalFramesOfAsync(Func<Task<CallLog?>> write)
    {
        Assert.Equal(0L, await ScalarAsync("PRAGMA wal_checkpoint(TRUNCATE)"));
        Assert.NotNull(await write());
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return reader.GetInt32(1);
    }

    /// <summary>The contract's filter cases again, with every metadata condition taken as matching many calls.</summary>
    [Theory]
    [MemberData(nameof(FilterCaseNames))]
    public async Task Filters_select_the_same_calls_when_metadata_matches_are_many(string filterCase)
    {
        await SeedFilterCallsAsync();
        var store = new SqliteCallStore(new SqliteDatabase(_path), fewMetadataMatches: 0);
        var (filter, expected) = FilterCases[filterCase];

        var page = await store.ListAsync(AllOf(1) with { Filter = filter }, Ct);

        Assert.Equal(expected, page.Items.Select(c => c.CallId));
        Assert.Equal(expected.Length, page.Count);
    }

    [Fact]
    public async Task A_file_from_before_the_filter_indexes_is_migrated_and_its_calls_are_filterable()
    {
        // The calls table exactly as the first schema made it, with one call stored by that version.
        var old = FullCall() with { Id = 1, Version = 1, Success = false, Metadata = Json("""{"tier": "gold", "visits": 3}""") };
        await using (var connection = new SqliteConnection($"Data Source={_path}"))
        {
            await connection.OpenAsync();
            await SqliteDatabase.ExecuteAsync(connection, """
                CREATE TABLE calls (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL, call_id TEXT NOT NULL, agent_id INTEGER NOT NULL,
                    ts INTEGER NOT NULL, stage TEXT NOT NULL, stage_changed_at INTEGER NOT NULL, outbox_published_at INTEGER NULL,
                    version INTEGER NOT NULL, doc TEXT NOT NULL, UNIQUE (project_id, call_id));
                CREATE INDEX calls_project_ts ON calls (project_id, ts DESC, id DESC);
                CREATE INDEX calls_outbox ON calls (stage, outbox_published_at, stage_changed_at);
                """, Ct);
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO calls (project_id, call_id, agent_id, ts, stage, stage_changed_at, outbox_published_at, version, doc)
                VALUES (1, $call_id, 7, $ts, 'evaluated', $ts, $ts, 1, $doc)
                """;
            insert.Parameters.AddWithValue("$call_id", old.CallId);
            insert.Parameters.AddWithValue("$ts", old.Timestamp.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(old, CekuraJson.Options));
            await insert.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var store = new SqliteCallStore(new SqliteDatabase(_path));
        var gold = new FilterCondition(FilterField.Metadata, "tier", FilterOp.Eq, [new FilterValue.Text("gold")]);
        var failed = new FilterCondition(FilterField.Success, null, FilterOp.Eq, [new FilterValue.Bool(false)]);

        var listed = (await store.ListAsync(AllOf(1) with { Filter = new FilterGroup(FilterJoin.And, [gold, failed]) }, Ct)).Items;
        Assert.Equal([1L], listed.Select(c => c.Id));
        // That version kept the transcript inside the document: it is still read from there.
        AssertSameJson(old.TranscriptObject, listed[0].TranscriptObject);
        // Its metadata rows follow a change of its metadata, as a new call's do.
        await store.ReplaceAsync(listed[0] with { Metadata = Json("""{"tier": "silver"}""") }, Ct);
        Assert.Empty((await store.ListAsync(AllOf(1) with { Filter = gold }, Ct)).Items);
        await using var check = new SqliteConnection($"Data Source={_path}");
        await check.OpenAsync();
        await using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.Equal(6L, (long)(await version.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Every_filter_field_has_an_index_that_leads_with_the_project_and_the_field()
    {
        await Calls.ListAsync(AllOf(1), Ct);
        var indexes = await IndexColumnsAsync("calls");
        var metadata = await IndexColumnsAsync("call_metadata");

        foreach (var column in new[]
                 {
                     "agent_id", "success", "status", "duration_seconds", "customer_number", "call_ended_reason", "topic",
                     "dropoff_point", "is_reviewed", "ts",
                 })
        {
            Assert.Contains(indexes.Values, columns => columns.Take(2).SequenceEqual(["project_id", column]));
        }
        Assert.Equal(["project_id", "key", "type", "atom", "call_rowid"], metadata["call_metadata_lookup"]);
    }

    public static TheoryData<string> PlanCaseNames() => [.. PlanCases.Keys];

    /// <summary>
    /// List queries, and the indexes their plans must read each condition from. A filterable field is a virtual
    /// column over the JSON document, so a plan that reads it any other way parses every document in the window.
    /// </summary>
    private static readonly Dictionary<string, (CallQuery Query, string[] Indexes)> PlanCases = new()
    {
        ["no filter"] = (AllOf(1), ["calls_project_ts"]),
        ["agent_id"] = (AllOf(1) with { AgentId = 3 }, ["calls_project_agent_ts"]),
        ["call_ids"] = (AllOf(1) with { Ids = [1, 2, 3] }, []),
        ["many call_ids"] = (AllOf(1) with { Ids = [.. Enumerable.Range(1, 500).Select(i => (long)i)] }, []),
        ["call_ids and fields"] = (Filtered(new FilterGroup(FilterJoin.And, [
                Leaf(FilterField.Topic, FilterOp.Eq, new FilterValue.Text("x")),
                Leaf(FilterField.Duration, FilterOp.Lt, new FilterValue.Real(9))])) with { Ids = [1, 2, 3] },
            ["calls_project_topic_ts"]),
        ["search"] = (AllOf(1) with { Search = "abc" }, ["sqlite_autoindex_calls_1"]),
        ["success"] = (Filtered(Leaf(FilterField.Success, FilterOp.Eq, new FilterValue.Bool(false))), ["calls_project_success_ts"]),
        ["status in"] = (Filtered(Leaf(FilterField.Status, FilterOp.In, new FilterValue.Text("failure"), new FilterValue.Text("success"))),
            ["calls_project_status_ts"]),
        ["duration range"] = (Filtered(Leaf(FilterField.Duration, FilterOp.Gt, new FilterValue.Real(600))), ["calls_project_duration_ts"]),
        ["customer_number startswith"] = (Filtered(Leaf(FilterField.CustomerNumber, FilterOp.StartsWith, new FilterValue.Text("+1555"))),
            ["calls_project_customer_number_ts"]),
        ["customer_number contains"] = (Filtered(Leaf(FilterField.CustomerNumber, FilterOp.Contains, new FilterValue.Text("42"))),
            ["calls_project_customer_number_ts"]),
        ["call_ended_reason neq"] = (Filtered(Leaf(FilterField.CallEndedReason, FilterOp.Neq, new FilterValue.Text("x"))),
            ["calls_project_call_ended_reason_ts"]),
        ["topic"] = (Filtered(Leaf(FilterField.Topic, FilterOp.Eq, new FilterValue.Text("x"))), ["calls_project_topic_ts"]),
        ["dropoff_point isnull"] = (Filtered(Leaf(FilterField.DropoffPoint, FilterOp.IsNull, new FilterValue.Bool(true))),
            ["calls_project_dropoff_point_ts"]),
        ["timestamp"] = (Filtered(Leaf(FilterField.Timestamp, FilterOp.Gte, new FilterValue.Time(Time))), ["calls_project_ts"]),
        ["is_reviewed"] = (Filtered(Leaf(FilterField.IsReviewed, FilterOp.Eq, new FilterValue.Bool(true))), ["calls_project_is_reviewed_ts"]),
        ["metadata eq"] = (Filtered(Meta("tier", FilterOp.Eq, new FilterValue.Text("gold"))), ["call_metadata_lookup"]),
        ["metadata range"] = (Filtered(Meta("visits", FilterOp.Gt, new FilterValue.Integer(4))), ["call_metadata_lookup"]),
        ["metadata neq"] = (Filtered(Meta("tier", FilterOp.Neq, new FilterValue.Text("gold"))), ["call_metadata_lookup"]),
        ["and of fields and metadata"] = (Filtered(new FilterGroup(FilterJoin.And, [
                Leaf(FilterField.Duration, FilterOp.Gt, new FilterValue.Real(600)),
                Leaf(FilterField.Success, FilterOp.Eq, new FilterValue.Bool(true)),
                Meta("tier", FilterOp.Eq, new FilterValue.Text("gold"))])),
            ["calls_project_success_ts", "calls_project_duration_ts", "call_metadata_lookup"]),
        ["agent and a field"] = (Filtered(Leaf(FilterField.Success, FilterOp.Eq, new FilterValue.Bool(true))) with { AgentId = 3 },
            ["calls_project_agent_ts", "calls_project_success_ts"]),
        ["a driving field and look-ups"] = (Filtered(new FilterGroup(FilterJoin.And, [
                Leaf(FilterField.IsReviewed, FilterOp.Eq, new FilterValue.Bool(true)),
                Leaf(FilterField.Topic, FilterOp.Neq, new FilterValue.Text("x")),
                Leaf(FilterField.Status, FilterOp.IsNull, new FilterValue.Bool(false)),
                Leaf(FilterField.CustomerNumber, FilterOp.In, new FilterValue.Text("a"), new FilterValue.Text("b")),
                Leaf(FilterField.Timestamp, FilterOp.Gte, new FilterValue.Time(Time))])),
            ["calls_project_customer_number_ts", "calls_project_is_reviewed_ts", "calls_project_topic_ts", "calls_project_status_ts"]),
        ["or of two fields"] = (Filtered(new FilterGroup(FilterJoin.Or, [
                Leaf(FilterField.Topic, FilterOp.Eq, new FilterValue.Text("x")),
                Leaf(FilterField.CallEndedReason, FilterOp.Contains, new FilterValue.Text("y"))])),
            ["calls_project_topic_ts", "calls_project_call_ended_reason_ts"]),
    };

    [Theory]
    [MemberData(nameof(PlanCaseNames))]
    public async Task A_list_query_reads_each_condition_from_its_index_and_never_scans_the_table(string planCase)
    {
        await Calls.ListAsync(AllOf(1), Ct);
        var (query, indexes) = PlanCases[planCase];
        var (from, where, parameters) = SqliteCallStore.ListCondition(query);

        foreach (var sql in new[] { SqliteCallStore.CountSql(from, where), SqliteCallStore.PageSql(from, where) })
        {
            var plan = await PlanAsync(sql, parameters);
            output.WriteLine($"{planCase}:\n  {string.Join("\n  ", plan)}");
            // Walking call_ids' own JSON array (json_each) is reading the request, not a table.
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal) && !step.StartsWith("SCAN json_each ", StringComparison.Ordinal));
            foreach (var index in indexes)
            {
                Assert.Contains(plan, step => step.Contains($" INDEX {index} ", StringComparison.Ordinal));
            }
        }
    }

    private static FilterCondition Leaf(FilterField field, FilterOp op, params FilterValue[] values) => new(field, null, op, values);

    private static FilterCondition Meta(string key, FilterOp op, params FilterValue[] values) => new(FilterField.Metadata, key, op, values);

    private static CallQuery Filtered(CallFilter filter) => AllOf(1) with { Filter = filter };

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await SqliteDatabase.ExecuteAsync(connection, sql, Ct);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    private async Task<List<string>> PlanAsync(string sql, List<SqliteParameter> parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddRange(parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value)));
        command.Parameters.AddWithValue("$limit", 20);
        command.Parameters.AddWithValue("$offset", 0);
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }
        return steps;
    }

    private async Task<Dictionary<string, List<string>>> IndexColumnsAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = $"SELECT name FROM pragma_index_list('{table}')";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }
        var indexes = new Dictionary<string, List<string>>();
        foreach (var name in names)
        {
            await using var info = connection.CreateCommand();
            info.CommandText = "SELECT name FROM pragma_index_info($index) ORDER BY seqno";
            info.Parameters.AddWithValue("$index", name);
            var columns = new List<string>();
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                // An expression index (e.g. on a value inside the JSON document) has no column name.
                columns.Add(reader.IsDBNull(0) ? "<expression>" : reader.GetString(0));
            }
            indexes[name] = columns;
        }
        return indexes;
    }
}
