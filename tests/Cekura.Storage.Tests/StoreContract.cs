using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>
/// The behaviour every call, agent and API key store must share; one subclass per store. xunit makes a new
/// instance per test, so each test starts from empty stores.
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected ICallStore Calls { get; private set; } = null!;
    protected IAgentStore Agents { get; private set; } = null!;
    protected IApiKeyStore Keys { get; private set; } = null!;

    /// <summary>Empty stores for one test; may skip the test (<c>Skip.If</c>) when its server is missing.</summary>
    protected abstract Task<(ICallStore Calls, IAgentStore Agents, IApiKeyStore Keys)> OpenStoresAsync();

    /// <summary>Removes what <see cref="OpenStoresAsync"/> created; also called after a skip or failed open.</summary>
    protected abstract Task CloseStoresAsync();

    public async Task InitializeAsync() => (Calls, Agents, Keys) = await OpenStoresAsync();

    public Task DisposeAsync() => CloseStoresAsync();

    // --- calls: insert and get ---

    [SkippableFact]
    public async Task Insert_assigns_id_and_version_1_and_round_trips_every_field()
    {
        var call = FullCall();

        var stored = await Calls.InsertAsync(call, Ct);
        var loaded = await Calls.GetAsync(1, stored.Id, Ct);

        Assert.True(stored.Id > 0);
        Assert.Equal(1, stored.Version);
        Assert.NotNull(loaded);
        AssertSameJson(call with { Id = stored.Id, Version = 1 }, loaded);
        AssertSameJson(stored, loaded);
        Assert.Equal(Time.UtcTicks, loaded.Timestamp.UtcTicks);
        Assert.Equal(Time.Offset, loaded.Timestamp.Offset);
        Assert.Equal(123.456, loaded.DurationSeconds);
        Assert.Equal(4.333333333333333, loaded.TranscriptObject[1].EndTime);
        Assert.Null(loaded.TranscriptObject[4].StartTime);
        Assert.Equal("""{"people":2,"time":"19:30"}""", loaded.TranscriptObject[2].Data!.Arguments);
        Assert.Null(loaded.TranscriptObject[2].Data!.Result);
        Assert.Equal(812.5, loaded.Metrics[0].Value!.Value.GetDouble());
        Assert.Equal(1400, loaded.Metrics[0].Extra["percentiles"].GetProperty("p90").GetInt32());
        Assert.Equal("as is", loaded.Metrics[0].Extra["CamelKey"].GetString());
        Assert.Equal(9007199254740993, loaded.Metadata!.Value.GetProperty("customer").GetProperty("big").GetInt64());
        Assert.Equal(long.MinValue, loaded.Metadata!.Value.GetProperty("customer").GetProperty("min").GetInt64());
        Assert.Equal(0.1, loaded.Metadata!.Value.GetProperty("customer").GetProperty("ratio").GetDouble());
        Assert.Equal(5_000_000_000, loaded.MetricIds[2]);
    }

    [SkippableFact]
    public async Task Insert_of_a_minimal_call_keeps_every_nullable_null()
    {
        var call = MinimalCall();

        var loaded = await Calls.GetAsync(1, (await Calls.InsertAsync(call, Ct)).Id, Ct);

        Assert.NotNull(loaded);
        AssertSameJson(call with { Id = loaded.Id, Version = 1 }, loaded);
        Assert.Null(loaded.Metadata);
        Assert.Null(loaded.DurationSeconds);
        Assert.Null(loaded.OutboxPublishedAt);
        Assert.Null(loaded.Recording);
        Assert.Empty(loaded.TranscriptObject);
    }

    [SkippableFact]
    public async Task Inserted_calls_get_distinct_increasing_ids()
    {
        var first = await Calls.InsertAsync(MinimalCall(), Ct);
        var second = await Calls.InsertAsync(MinimalCall(), Ct);

        Assert.True(second.Id > first.Id);
    }

    [SkippableFact]
    public async Task Get_of_an_unknown_id_returns_null()
    {
        Assert.Null(await Calls.GetAsync(1, 987654, Ct));
    }

    [SkippableFact]
    public async Task Duplicate_call_id_in_same_project_is_rejected_with_existing_id()
    {
        var first = await Calls.InsertAsync(MinimalCall(projectId: 1, callId: "dup"), Ct);

        var error = await Assert.ThrowsAsync<DuplicateCallException>(
            () => Calls.InsertAsync(MinimalCall(projectId: 1, callId: "dup") with { Feedback = "second" }, Ct));

        Assert.Equal(first.Id, error.ExistingId);
        Assert.Null((await Calls.GetAsync(1, first.Id, Ct))!.Feedback);
        Assert.Equal(1, (await Calls.ListAsync(AllOf(1), Ct)).Count);
    }

    [SkippableFact]
    public async Task Same_call_id_in_another_project_is_accepted()
    {
        var first = await Calls.InsertAsync(MinimalCall(projectId: 1, callId: "shared"), Ct);
        var second = await Calls.InsertAsync(MinimalCall(projectId: 2, callId: "shared"), Ct);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(2, (await Calls.GetAsync(2, second.Id, Ct))!.ProjectId);
    }

    [SkippableFact]
    public async Task Reads_deletes_and_replaces_are_scoped_to_the_project()
    {
        var mine = await Calls.InsertAsync(MinimalCall(projectId: 1, callId: "mine"), Ct);

        Assert.Null(await Calls.GetAsync(2, mine.Id, Ct));
        Assert.Null(await Calls.FindByCallIdAsync(2, "mine", Ct));
        Assert.False(await Calls.DeleteAsync(2, mine.Id, Ct));
        Assert.Null(await Calls.ReplaceAsync(mine with { ProjectId = 2, Feedback = "moved" }, Ct));

        AssertSameJson(mine, await Calls.GetAsync(1, mine.Id, Ct));
        AssertSameJson(mine, await Calls.FindByCallIdAsync(1, "mine", Ct));
        AssertSameJson(mine, await Calls.GetForWorkerAsync(mine.Id, Ct));
    }

    [SkippableFact]
    public async Task Find_by_call_id_is_an_exact_match_within_the_project()
    {
        var stored = await Calls.InsertAsync(MinimalCall(callId: "Call-1%"), Ct);
        await Calls.InsertAsync(MinimalCall(projectId: 2, callId: "Call-1%"), Ct);

        Assert.Equal(stored.Id, (await Calls.FindByCallIdAsync(1, "Call-1%", Ct))!.Id);
        Assert.Null(await Calls.FindByCallIdAsync(1, "call-1%", Ct));
        Assert.Null(await Calls.FindByCallIdAsync(1, "Call-1", Ct));
        Assert.Null(await Calls.FindByCallIdAsync(1, "Call-1_", Ct));
    }

    [SkippableFact]
    public async Task Get_for_worker_reads_any_project_and_null_for_an_unknown_id()
    {
        var other = await Calls.InsertAsync(MinimalCall(projectId: 7), Ct);

        Assert.Equal(7, (await Calls.GetForWorkerAsync(other.Id, Ct))!.ProjectId);
        Assert.Null(await Calls.GetForWorkerAsync(987654, Ct));
    }

    // --- calls: compare-and-swap replace ---

    [SkippableFact]
    public async Task Replace_with_the_current_version_stores_the_update_and_bumps_the_version()
    {
        var stored = await Calls.InsertAsync(MinimalCall(), Ct);

        var replaced = await Calls.ReplaceAsync(
            stored with { Stage = CallStage.Transcribed, Feedback = "updated", OutboxPublishedAt = Time.AddMinutes(1) }, Ct);
        var loaded = await Calls.GetAsync(1, stored.Id, Ct);

        Assert.NotNull(replaced);
        Assert.Equal(2, replaced.Version);
        Assert.NotNull(loaded);
        AssertSameJson(replaced, loaded);
        Assert.Equal(CallStage.Transcribed, loaded.Stage);
        Assert.Equal("updated", loaded.Feedback);
    }

    [SkippableFact]
    public async Task Replace_with_a_stale_version_returns_null_and_changes_nothing()
    {
        var stored = await Calls.InsertAsync(MinimalCall(), Ct);
        var current = await Calls.ReplaceAsync(stored with { Feedback = "first" }, Ct);

        var stale = await Calls.ReplaceAsync(stored with { Feedback = "stale" }, Ct);
        var loaded = await Calls.GetAsync(1, stored.Id, Ct);

        Assert.Null(stale);
        Assert.NotNull(loaded);
        AssertSameJson(current, loaded);
        Assert.Equal(2, loaded.Version);
        Assert.Equal("first", loaded.Feedback);
    }

    [SkippableFact]
    public async Task Concurrent_replaces_from_the_same_version_have_exactly_one_winner()
    {
        var stored = await Calls.InsertAsync(MinimalCall(), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Calls.ReplaceAsync(stored with { Feedback = $"writer {i}" }, Ct))));
        var loaded = await Calls.GetAsync(1, stored.Id, Ct);

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(2, loaded!.Version);
        Assert.Equal(winner.Feedback, loaded.Feedback);
    }

    [SkippableFact]
    public async Task Replace_of_a_deleted_call_returns_null()
    {
        var stored = await Calls.InsertAsync(MinimalCall(), Ct);
        await Calls.DeleteAsync(1, stored.Id, Ct);

        Assert.Null(await Calls.ReplaceAsync(stored with { Feedback = "late" }, Ct));
        Assert.Null(await Calls.GetAsync(1, stored.Id, Ct));
    }

    // --- calls: delete ---

    [SkippableFact]
    public async Task Delete_removes_the_call_and_reports_whether_it_existed()
    {
        var kept = await Calls.InsertAsync(MinimalCall(), Ct);
        var deleted = await Calls.InsertAsync(MinimalCall(), Ct);

        Assert.True(await Calls.DeleteAsync(1, deleted.Id, Ct));
        Assert.False(await Calls.DeleteAsync(1, deleted.Id, Ct));
        Assert.Null(await Calls.GetAsync(1, deleted.Id, Ct));
        Assert.NotNull(await Calls.GetAsync(1, kept.Id, Ct));
    }

    [SkippableFact]
    public async Task A_deleted_call_id_can_be_inserted_again()
    {
        var first = await Calls.InsertAsync(MinimalCall(callId: "again"), Ct);
        await Calls.DeleteAsync(1, first.Id, Ct);

        var second = await Calls.InsertAsync(MinimalCall(callId: "again"), Ct);

        Assert.NotEqual(first.Id, second.Id);
    }

    // --- calls: list ---

    [SkippableFact]
    public async Task List_returns_only_the_projects_calls_newest_timestamp_first()
    {
        var old = await Calls.InsertAsync(MinimalCall(projectId: 1, timestamp: Time.AddHours(-2)), Ct);
        var newest = await Calls.InsertAsync(MinimalCall(projectId: 1, timestamp: Time), Ct);
        var middle = await Calls.InsertAsync(MinimalCall(projectId: 1, timestamp: Time.AddHours(-1)), Ct);
        await Calls.InsertAsync(MinimalCall(projectId: 2, timestamp: Time), Ct);

        var page = await Calls.ListAsync(AllOf(1), Ct);

        Assert.Equal(3, page.Count);
        Assert.Equal([newest.Id, middle.Id, old.Id], page.Items.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task List_orders_equal_timestamps_by_newest_id_first()
    {
        var first = await Calls.InsertAsync(MinimalCall(timestamp: Time), Ct);
        var second = await Calls.InsertAsync(MinimalCall(timestamp: Time), Ct);

        var page = await Calls.ListAsync(AllOf(1), Ct);

        Assert.Equal([second.Id, first.Id], page.Items.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task List_includes_both_ends_of_the_time_range_and_nothing_outside()
    {
        var before = await Calls.InsertAsync(MinimalCall(timestamp: Time.AddMilliseconds(-1)), Ct);
        var atFrom = await Calls.InsertAsync(MinimalCall(timestamp: Time), Ct);
        var atTo = await Calls.InsertAsync(MinimalCall(timestamp: Time.AddHours(1)), Ct);
        var after = await Calls.InsertAsync(MinimalCall(timestamp: Time.AddHours(1).AddMilliseconds(1)), Ct);

        var page = await Calls.ListAsync(AllOf(1) with { From = Time, To = Time.AddHours(1) }, Ct);

        Assert.Equal(2, page.Count);
        Assert.Equal([atTo.Id, atFrom.Id], page.Items.Select(c => c.Id));
        Assert.DoesNotContain(page.Items, c => c.Id == before.Id || c.Id == after.Id);
    }

    [SkippableFact]
    public async Task List_filters_by_agent()
    {
        var mine = await Calls.InsertAsync(MinimalCall(agentId: 11), Ct);
        await Calls.InsertAsync(MinimalCall(agentId: 12), Ct);

        var page = await Calls.ListAsync(AllOf(1) with { AgentId = 11 }, Ct);

        Assert.Equal(1, page.Count);
        Assert.Equal(mine.Id, Assert.Single(page.Items).Id);
    }

    [SkippableTheory]
    [InlineData("one", new[] { "Alpha-ONE", "beta-one" })]
    [InlineData("ALPHA", new[] { "Alpha-ONE" })]
    [InlineData(".", new[] { "x.y+z(1)" })]
    [InlineData("Y+Z(", new[] { "x.y+z(1)" })]
    [InlineData("%_", new[] { "50%_off" })]
    [InlineData("*", new string[0])]
    public async Task List_search_is_a_case_insensitive_substring_of_call_id_with_special_characters_literal(string search, string[] expected)
    {
        foreach (var callId in new[] { "Alpha-ONE", "beta-one", "x.y+z(1)", "50%_off" })
        {
            await Calls.InsertAsync(MinimalCall(callId: callId), Ct);
        }

        var page = await Calls.ListAsync(AllOf(1) with { Search = search }, Ct);

        Assert.Equal(expected.Length, page.Count);
        Assert.Equal(expected.Order(), page.Items.Select(c => c.CallId).Order());
    }

    [SkippableFact]
    public async Task List_filters_by_call_log_ids()
    {
        var a = await Calls.InsertAsync(MinimalCall(callId: "a"), Ct);
        await Calls.InsertAsync(MinimalCall(callId: "b"), Ct);
        var c = await Calls.InsertAsync(MinimalCall(callId: "c"), Ct);
        var otherProjects = await Calls.InsertAsync(MinimalCall(projectId: 2, callId: "a"), Ct);

        var page = await Calls.ListAsync(AllOf(1) with { Ids = [a.Id, c.Id, otherProjects.Id, 987654] }, Ct);

        Assert.Equal(2, page.Count);
        Assert.Equal([c.Id, a.Id], page.Items.Select(x => x.Id));
        Assert.All(page.Items, x => Assert.Equal(1, x.ProjectId));
    }

    [SkippableFact]
    public async Task List_pages_keep_the_total_count()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Calls.InsertAsync(MinimalCall(timestamp: Time.AddMinutes(i)), Ct)).Id);
        }
        ids.Reverse();

        var pages = new List<CallPage>();
        for (var page = 1; page <= 4; page++)
        {
            pages.Add(await Calls.ListAsync(AllOf(1) with { Page = page, PageSize = 2 }, Ct));
        }

        Assert.All(pages, p => Assert.Equal(5, p.Count));
        Assert.Equal(ids[..2], pages[0].Items.Select(c => c.Id));
        Assert.Equal(ids[2..4], pages[1].Items.Select(c => c.Id));
        Assert.Equal(ids[4..], pages[2].Items.Select(c => c.Id));
        Assert.Empty(pages[3].Items);
    }

    [SkippableFact]
    public async Task List_combines_filters()
    {
        var match = await Calls.InsertAsync(MinimalCall(callId: "Keep-1", agentId: 11), Ct);
        var otherAgent = await Calls.InsertAsync(MinimalCall(callId: "keep-2", agentId: 12), Ct);
        await Calls.InsertAsync(MinimalCall(callId: "drop-3", agentId: 11), Ct);
        var tooOld = await Calls.InsertAsync(MinimalCall(callId: "keep-4", agentId: 11, timestamp: Time.AddDays(-3)), Ct);
        var notListed = await Calls.InsertAsync(MinimalCall(callId: "keep-5", agentId: 11), Ct);
        await Calls.InsertAsync(MinimalCall(callId: "keep-6", agentId: 11) with { Topic = "other" }, Ct);

        var page = await Calls.ListAsync(AllOf(1) with
        {
            From = Time.AddDays(-1), AgentId = 11, Search = "KEEP", Ids = [match.Id, otherAgent.Id, tooOld.Id, notListed.Id + 1],
            Filter = new FilterCondition(FilterField.Topic, null, FilterOp.IsNull, [new FilterValue.Bool(true)]),
        }, Ct);

        Assert.Equal(1, page.Count);
        Assert.Equal(match.Id, Assert.Single(page.Items).Id);
    }

    // --- agents ---

    [SkippableFact]
    public async Task Agent_create_assigns_an_id_and_round_trips()
    {
        var agent = Agent(assistantId: "asst_1");

        var created = await Agents.CreateAsync(agent, Ct);
        var loaded = await Agents.GetAsync(1, created.Id, Ct);

        Assert.True(created.Id > 0);
        Assert.NotNull(loaded);
        AssertSameJson(agent with { Id = created.Id }, loaded);
        AssertSameJson(created, await Agents.FindByAssistantIdAsync(1, "asst_1", Ct));
    }

    [SkippableFact]
    public async Task Agent_update_replaces_its_fields_and_its_assistant_id_lookup()
    {
        var created = await Agents.CreateAsync(Agent(assistantId: "asst_1"), Ct);
        var changed = created with { AgentName = "renamed", AssistantId = "asst_2", RedactFields = ["ssn", "person_name"] };

        var saved = await Agents.UpdateAsync(changed, Ct);

        AssertSameJson(changed, saved);
        AssertSameJson(changed, await Agents.GetAsync(1, created.Id, Ct));
        AssertSameJson(changed, await Agents.FindByAssistantIdAsync(1, "asst_2", Ct));
        Assert.Null(await Agents.FindByAssistantIdAsync(1, "asst_1", Ct));
    }

    [SkippableFact]
    public async Task Agent_update_is_scoped_to_its_project_and_keeps_assistant_ids_unique()
    {
        var mine = await Agents.CreateAsync(Agent(projectId: 1, assistantId: "asst_1"), Ct);
        var other = await Agents.CreateAsync(Agent(projectId: 1, assistantId: "asst_2", name: "other"), Ct);

        Assert.Null(await Agents.UpdateAsync(mine with { ProjectId = 2, AgentName = "stolen" }, Ct));
        await Assert.ThrowsAsync<DuplicateAssistantIdException>(() => Agents.UpdateAsync(other with { AssistantId = "asst_1" }, Ct));

        Assert.Equal("Support bot", (await Agents.GetAsync(1, mine.Id, Ct))!.AgentName);
        Assert.Equal("asst_2", (await Agents.GetAsync(1, other.Id, Ct))!.AssistantId);
    }

    [SkippableFact]
    public async Task Duplicate_assistant_id_in_one_project_is_rejected()
    {
        await Agents.CreateAsync(Agent(assistantId: "asst_1"), Ct);

        await Assert.ThrowsAsync<DuplicateAssistantIdException>(() => Agents.CreateAsync(Agent(assistantId: "asst_1", name: "copy"), Ct));

        Assert.Equal(1, (await Agents.ListAsync(1, 1, 10, Ct)).Count);
    }

    [SkippableFact]
    public async Task Same_assistant_id_in_another_project_is_accepted()
    {
        var first = await Agents.CreateAsync(Agent(projectId: 1, assistantId: "asst_1"), Ct);
        var second = await Agents.CreateAsync(Agent(projectId: 2, assistantId: "asst_1"), Ct);

        Assert.Equal(first.Id, (await Agents.FindByAssistantIdAsync(1, "asst_1", Ct))!.Id);
        Assert.Equal(second.Id, (await Agents.FindByAssistantIdAsync(2, "asst_1", Ct))!.Id);
    }

    [SkippableFact]
    public async Task Agents_without_an_assistant_id_may_repeat_in_a_project()
    {
        await Agents.CreateAsync(Agent(assistantId: null, name: "a"), Ct);
        await Agents.CreateAsync(Agent(assistantId: null, name: "b"), Ct);

        Assert.Equal(2, (await Agents.ListAsync(1, 1, 10, Ct)).Count);
    }

    [SkippableFact]
    public async Task Agent_lookups_are_scoped_to_their_project()
    {
        var agent = await Agents.CreateAsync(Agent(projectId: 1, assistantId: "asst_1"), Ct);

        Assert.Null(await Agents.GetAsync(2, agent.Id, Ct));
        Assert.Null(await Agents.FindByAssistantIdAsync(2, "asst_1", Ct));
        Assert.Null(await Agents.FindByAssistantIdAsync(1, "asst_unknown", Ct));
        Assert.Null(await Agents.GetAsync(1, agent.Id + 1000, Ct));
    }

    [SkippableFact]
    public async Task A_webhook_token_is_set_found_by_its_hash_from_any_project_replaced_and_removed()
    {
        var agent = await Agents.CreateAsync(Agent(projectId: 2, assistantId: "asst_1"), Ct);
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

        var set = await Agents.SetWebhookTokenAsync(2, agent.Id, new string('a', 64), "ck_hook_aaaaaaaa", at, Ct);

        AssertSameJson(agent with { WebhookTokenHash = new string('a', 64), WebhookTokenPrefix = "ck_hook_aaaaaaaa", UpdatedAt = at }, set);
        AssertSameJson(set, await Agents.FindByWebhookTokenAsync(new string('a', 64), Ct));
        AssertSameJson(set, await Agents.GetAsync(2, agent.Id, Ct));
        Assert.Null(await Agents.SetWebhookTokenAsync(1, agent.Id, new string('b', 64), "ck_hook_bbbbbbbb", at, Ct));

        var rotated = await Agents.SetWebhookTokenAsync(2, agent.Id, new string('c', 64), "ck_hook_cccccccc", at.AddMinutes(1), Ct);
        Assert.Null(await Agents.FindByWebhookTokenAsync(new string('a', 64), Ct));
        Assert.Equal(agent.Id, (await Agents.FindByWebhookTokenAsync(new string('c', 64), Ct))!.Id);
        Assert.Equal("ck_hook_cccccccc", rotated!.WebhookTokenPrefix);

        var removed = await Agents.SetWebhookTokenAsync(2, agent.Id, null, null, at.AddMinutes(2), Ct);
        Assert.Null(removed!.WebhookTokenHash);
        Assert.Null(removed.WebhookTokenPrefix);
        Assert.Null(await Agents.FindByWebhookTokenAsync(new string('c', 64), Ct));
    }

    [SkippableFact]
    public async Task An_agent_update_never_changes_its_webhook_token()
    {
        var agent = await Agents.CreateAsync(Agent(assistantId: "asst_1"), Ct);
        var stale = await Agents.SetWebhookTokenAsync(1, agent.Id, new string('a', 64), "ck_hook_aaaaaaaa", DateTimeOffset.UtcNow, Ct);
        await Agents.SetWebhookTokenAsync(1, agent.Id, new string('b', 64), "ck_hook_bbbbbbbb", DateTimeOffset.UtcNow, Ct);

        // Changed from a copy read before the rotation: the rotation stands, and so does a later revocation.
        var saved = await Agents.UpdateAsync(stale! with { AgentName = "renamed" }, Ct);
        Assert.Equal(("renamed", new string('b', 64), "ck_hook_bbbbbbbb"), (saved!.AgentName, saved.WebhookTokenHash, saved.WebhookTokenPrefix));
        Assert.Null(await Agents.FindByWebhookTokenAsync(new string('a', 64), Ct));
        await Agents.SetWebhookTokenAsync(1, agent.Id, null, null, DateTimeOffset.UtcNow, Ct);
        await Agents.UpdateAsync(saved with { AgentName = "renamed again" }, Ct);
        Assert.Null(await Agents.FindByWebhookTokenAsync(new string('b', 64), Ct));
        Assert.Null((await Agents.GetAsync(1, agent.Id, Ct))!.WebhookTokenHash);

        await Agents.SetWebhookTokenAsync(1, agent.Id, new string('d', 64), "ck_hook_dddddddd", DateTimeOffset.UtcNow, Ct);
        Assert.True(await Agents.DeleteAsync(1, agent.Id, Ct));
        Assert.Null(await Agents.FindByWebhookTokenAsync(new string('d', 64), Ct));
    }

    [SkippableFact]
    public async Task Agent_list_pages_in_creation_order_and_counts_only_the_project()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Agents.CreateAsync(Agent(assistantId: $"asst_{i}"), Ct)).Id);
        }
        await Agents.CreateAsync(Agent(projectId: 2), Ct);

        var first = await Agents.ListAsync(1, 1, 2, Ct);
        var last = await Agents.ListAsync(1, 3, 2, Ct);
        var beyond = await Agents.ListAsync(1, 4, 2, Ct);

        Assert.Equal(5, first.Count);
        Assert.Equal(ids[..2], first.Items.Select(a => a.Id));
        Assert.Equal(ids[4..], last.Items.Select(a => a.Id));
        Assert.Equal(5, beyond.Count);
        Assert.Empty(beyond.Items);
        Assert.Equal(1, (await Agents.ListAsync(2, 1, 10, Ct)).Count);
    }

    // --- API keys ---

    [SkippableFact]
    public async Task Added_key_gets_an_id_and_is_found_by_its_prefix()
    {
        var key = ApiKey("ck_live_ab", new string('a', 64)) with { RevokedAt = Time.AddDays(1) };

        var stored = await Keys.AddAsync(key, Ct);
        var found = await Keys.FindByPrefixAsync("ck_live_ab", Ct);

        Assert.True(stored.Id > 0);
        AssertSameJson(key with { Id = stored.Id }, Assert.Single(found));
        Assert.Equal(1, await Keys.CountAsync(Ct));
    }

    [SkippableFact]
    public async Task Adding_a_stored_hash_again_returns_the_stored_key()
    {
        var stored = await Keys.AddAsync(ApiKey("ck_live_ab", new string('b', 64), name: "original"), Ct);

        var again = await Keys.AddAsync(ApiKey("ck_live_ab", new string('b', 64), name: "second"), Ct);

        Assert.Equal(stored.Id, again.Id);
        Assert.Equal("original", again.Name);
        Assert.Equal(1, await Keys.CountAsync(Ct));
    }

    [SkippableFact]
    public async Task Find_by_prefix_returns_every_key_with_that_prefix_and_no_other()
    {
        await Keys.AddAsync(ApiKey("ck_live_ab", new string('1', 64)), Ct);
        await Keys.AddAsync(ApiKey("ck_live_ab", new string('2', 64)), Ct);
        await Keys.AddAsync(ApiKey("ck_live_cd", new string('3', 64)), Ct);

        var found = await Keys.FindByPrefixAsync("ck_live_ab", Ct);

        Assert.Equal([new string('1', 64), new string('2', 64)], found.Select(k => k.HashHex).Order());
        Assert.Empty(await Keys.FindByPrefixAsync("ck_live_a", Ct));
        Assert.Equal(3, await Keys.CountAsync(Ct));
    }

    [SkippableFact]
    public async Task Count_of_an_empty_key_store_is_zero()
    {
        Assert.Equal(0, await Keys.CountAsync(Ct));
    }

    [SkippableFact]
    public async Task Keys_are_got_by_id_listed_per_organisation_and_changed_one_field_at_a_time()
    {
        var first = await Keys.AddAsync(ApiKey("ck_live_ab", new string('4', 64), name: "first"), Ct);
        var second = await Keys.AddAsync(ApiKey("ck_live_cd", new string('5', 64), name: "second") with
        {
            OrganizationId = 10, OrganizationWide = true, RateLimitPerMinute = 60, RateLimitBurst = 5,
        }, Ct);

        AssertSameJson(second, await Keys.GetAsync(second.Id, Ct));
        Assert.Null(await Keys.GetAsync(second.Id + 100, Ct));
        Assert.Equal([first.Id, second.Id], (await Keys.ListAsync(null, Ct)).Select(k => k.Id));
        Assert.Equal([second.Id], (await Keys.ListAsync(10, Ct)).Select(k => k.Id));
        Assert.Empty(await Keys.ListAsync(11, Ct));

        var used = first with { LastUsedAt = Time.AddMinutes(5) };
        AssertSameJson(used, await Keys.RecordUseAsync(first.Id, Time.AddMinutes(5), Ct));
        var revoked = used with { RevokedAt = Time.AddHours(1) };
        AssertSameJson(revoked, await Keys.RevokeAsync(first.Id, Time.AddHours(1), Ct));
        AssertSameJson(revoked, await Keys.GetAsync(first.Id, Ct));
        AssertSameJson(revoked, Assert.Single(await Keys.FindByPrefixAsync("ck_live_ab", Ct)));
        // Revoking again keeps the first revocation's time.
        AssertSameJson(revoked, await Keys.RevokeAsync(first.Id, Time.AddHours(2), Ct));
        Assert.Null(await Keys.RecordUseAsync(second.Id + 100, Time, Ct));
        Assert.Null(await Keys.RevokeAsync(second.Id + 100, Time, Ct));
        AssertSameJson(second, await Keys.GetAsync(second.Id, Ct));
    }

    [SkippableFact]
    public async Task A_use_recorded_after_a_revocation_leaves_the_key_revoked()
    {
        // An authentication read the key, a revocation landed, then the authentication records the use.
        var key = await Keys.AddAsync(ApiKey("ck_live_ef", new string('7', 64)), Ct);
        var readBeforeRevocation = await Keys.GetAsync(key.Id, Ct);
        Assert.Null(readBeforeRevocation!.RevokedAt);
        await Keys.RevokeAsync(key.Id, Time.AddHours(1), Ct);

        var afterUse = await Keys.RecordUseAsync(key.Id, Time.AddHours(2), Ct);

        Assert.Equal<DateTimeOffset?>(Time.AddHours(1), afterUse!.RevokedAt);
        Assert.Null(afterUse.LastUsedAt);
        AssertSameJson(afterUse, await Keys.GetAsync(key.Id, Ct));
    }

    /// <summary>Every call of a project in a wide time range.</summary>
    protected static CallQuery AllOf(long projectId) => new()
    {
        ProjectId = projectId,
        From = Time.AddYears(-1),
        To = Time.AddYears(1),
        PageSize = 100,
    };
}
