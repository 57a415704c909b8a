using Cekura.Contracts.Metrics;
using Cekura.Hosting.Storage;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>
/// What every metric store must do, with the agent store beside it on the same database: which agents enable a
/// metric is recorded on the agents. One subclass per store; each test starts from empty stores.
/// </summary>
public abstract class MetricStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected IMetricStore Metrics { get; private set; } = null!;
    protected IAgentStore Agents { get; private set; } = null!;

    /// <summary>Empty stores for one test; may skip the test when its server is missing.</summary>
    protected abstract Task<(IMetricStore Metrics, IAgentStore Agents)> OpenStoresAsync();

    protected abstract Task CloseStoresAsync();

    public async Task InitializeAsync() => (Metrics, Agents) = await OpenStoresAsync();

    public Task DisposeAsync() => CloseStoresAsync();

    [SkippableFact]
    public async Task Create_assigns_ids_from_1001_upwards_and_round_trips_every_field()
    {
        var first = await Metrics.CreateAsync(Metric(), Ct);
        var second = await Metrics.CreateAsync(Metric(projectId: 2, name: "Other"), Ct);

        Assert.Equal(MetricDefinition.FirstCustomId, first.Id);
        Assert.True(second.Id > first.Id);
        Assert.All(PredefinedMetrics.All, p => Assert.True(p.Id < MetricDefinition.FirstCustomId));
        AssertSameJson(Metric() with { Id = first.Id }, await Metrics.GetAsync(1, first.Id, Ct));
    }

    [SkippableFact]
    public async Task A_deleted_metrics_id_is_not_given_again()
    {
        var first = await Metrics.CreateAsync(Metric(), Ct);
        Assert.True(await Metrics.DeleteAsync(1, first.Id, Ct));

        var next = await Metrics.CreateAsync(Metric(), Ct);

        Assert.True(next.Id > first.Id);
    }

    [SkippableFact]
    public async Task Lookups_are_scoped_to_their_project()
    {
        var mine = await Metrics.CreateAsync(Metric(projectId: 1), Ct);
        var theirs = await Metrics.CreateAsync(Metric(projectId: 2), Ct);

        Assert.Null(await Metrics.GetAsync(2, mine.Id, Ct));
        Assert.Null(await Metrics.GetAsync(1, mine.Id + 1000, Ct));
        Assert.Equal([mine.Id], (await Metrics.GetManyAsync(1, [theirs.Id, mine.Id, 1, 99_999], Ct)).Select(m => m.Id));
        Assert.Empty(await Metrics.GetManyAsync(1, [], Ct));
    }

    [SkippableFact]
    public async Task Get_many_returns_the_projects_metrics_in_id_order()
    {
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Metrics.CreateAsync(Metric(name: $"m{i}"), Ct)).Id);
        }

        var found = await Metrics.GetManyAsync(1, [ids[2], ids[0], ids[2]], Ct);

        Assert.Equal([ids[0], ids[2]], found.Select(m => m.Id));
    }

    [SkippableFact]
    public async Task Update_replaces_the_metric_only_within_its_project()
    {
        var created = await Metrics.CreateAsync(Metric(), Ct);
        var changed = created with
        {
            Name = "renamed", EvalType = MetricEvalTypes.Binary, EnumValues = [], Configuration = null, UpdatedAt = Time.AddHours(1),
        };

        AssertSameJson(changed, await Metrics.UpdateAsync(changed, Ct));
        AssertSameJson(changed, await Metrics.GetAsync(1, created.Id, Ct));
        Assert.Null(await Metrics.UpdateAsync(changed with { ProjectId = 2, Name = "stolen" }, Ct));
        Assert.Equal("renamed", (await Metrics.GetAsync(1, created.Id, Ct))!.Name);
    }

    [SkippableFact]
    public async Task Delete_is_scoped_to_its_project()
    {
        var created = await Metrics.CreateAsync(Metric(), Ct);

        Assert.False(await Metrics.DeleteAsync(2, created.Id, Ct));
        Assert.NotNull(await Metrics.GetAsync(1, created.Id, Ct));
        Assert.True(await Metrics.DeleteAsync(1, created.Id, Ct));
        Assert.Null(await Metrics.GetAsync(1, created.Id, Ct));
        Assert.False(await Metrics.DeleteAsync(1, created.Id, Ct));
    }

    [SkippableFact]
    public async Task List_pages_in_id_order_and_counts_only_the_project()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Metrics.CreateAsync(Metric(name: $"m{i}"), Ct)).Id);
        }
        await Metrics.CreateAsync(Metric(projectId: 2), Ct);

        var first = await Metrics.ListAsync(1, 1, 2, null, Ct);
        var last = await Metrics.ListAsync(1, 3, 2, null, Ct);
        var beyond = await Metrics.ListAsync(1, 4, 2, null, Ct);

        Assert.Equal(5, first.Count);
        Assert.Equal(ids[..2], first.Items.Select(m => m.Id));
        Assert.Equal(ids[4..], last.Items.Select(m => m.Id));
        Assert.Equal(5, beyond.Count);
        Assert.Empty(beyond.Items);
        Assert.Equal(1, (await Metrics.ListAsync(2, 1, 10, null, Ct)).Count);
    }

    [SkippableFact]
    public async Task List_by_agent_shows_the_metrics_that_agent_enables_and_nothing_for_another_projects_agent()
    {
        var a = await Metrics.CreateAsync(Metric(name: "a"), Ct);
        var b = await Metrics.CreateAsync(Metric(name: "b"), Ct);
        await Metrics.CreateAsync(Metric(name: "c"), Ct);
        var agent = await Agents.CreateAsync(Agent() with { MetricIds = [b.Id, a.Id] }, Ct);
        var bare = await Agents.CreateAsync(Agent() with { MetricIds = [] }, Ct);
        var elsewhere = await Agents.CreateAsync(Agent(projectId: 2) with { MetricIds = [a.Id] }, Ct);

        var enabled = await Metrics.ListAsync(1, 1, 10, agent.Id, Ct);

        Assert.Equal(2, enabled.Count);
        Assert.Equal([a.Id, b.Id], enabled.Items.Select(m => m.Id));
        Assert.Equal(0, (await Metrics.ListAsync(1, 1, 10, bare.Id, Ct)).Count);
        Assert.Equal(0, (await Metrics.ListAsync(1, 1, 10, elsewhere.Id, Ct)).Count);
        Assert.Equal(0, (await Metrics.ListAsync(1, 1, 10, 987_654, Ct)).Count);
        Assert.Equal([b.Id], (await Metrics.ListAsync(1, 2, 1, agent.Id, Ct)).Items.Select(m => m.Id));
    }

    // --- the agents' side ---

    [SkippableFact]
    public async Task Agent_fields_for_metrics_nodes_webhook_and_thresholds_round_trip()
    {
        var created = await Agents.CreateAsync(Agent(assistantId: "asst_1"), Ct);

        AssertSameJson(Agent(assistantId: "asst_1") with { Id = created.Id }, await Agents.GetAsync(1, created.Id, Ct));
    }

    [SkippableFact]
    public async Task Agent_delete_is_scoped_to_its_project_and_frees_its_assistant_id()
    {
        var agent = await Agents.CreateAsync(Agent(assistantId: "asst_1"), Ct);

        Assert.False(await Agents.DeleteAsync(2, agent.Id, Ct));
        Assert.True(await Agents.DeleteAsync(1, agent.Id, Ct));

        Assert.Null(await Agents.GetAsync(1, agent.Id, Ct));
        Assert.Null(await Agents.FindByAssistantIdAsync(1, "asst_1", Ct));
        Assert.False(await Agents.DeleteAsync(1, agent.Id, Ct));
        Assert.NotEqual(agent.Id, (await Agents.CreateAsync(Agent(assistantId: "asst_1"), Ct)).Id);
    }

    [SkippableFact]
    public async Task Agents_enabling_lists_those_of_the_project_holding_any_of_the_metrics()
    {
        var one = await Agents.CreateAsync(Agent() with { MetricIds = [1001] }, Ct);
        var both = await Agents.CreateAsync(Agent() with { MetricIds = [1002, 1001] }, Ct);
        await Agents.CreateAsync(Agent() with { MetricIds = [1003] }, Ct);
        await Agents.CreateAsync(Agent(projectId: 2) with { MetricIds = [1001] }, Ct);

        Assert.Equal([one.Id, both.Id], (await Agents.ListEnablingAsync(1, [1001], Ct)).Select(a => a.Id));
        Assert.Equal([both.Id], (await Agents.ListEnablingAsync(1, [1002, 1004], Ct)).Select(a => a.Id));
        Assert.Empty(await Agents.ListEnablingAsync(1, [], Ct));
    }

    [SkippableFact]
    public async Task Setting_a_metrics_agents_adds_it_to_those_and_removes_it_from_the_rest_of_the_project_only()
    {
        var keeps = await Agents.CreateAsync(Agent(name: "keeps") with { MetricIds = [1001, 1002] }, Ct);
        var gains = await Agents.CreateAsync(Agent(name: "gains") with { MetricIds = [1003] }, Ct);
        var loses = await Agents.CreateAsync(Agent(name: "loses") with { MetricIds = [1002, 1001] }, Ct);
        var untouched = await Agents.CreateAsync(Agent(name: "untouched") with { MetricIds = [1003] }, Ct);
        var elsewhere = await Agents.CreateAsync(Agent(projectId: 2, name: "elsewhere") with { MetricIds = [1001] }, Ct);
        var later = Time.AddDays(1);

        await Agents.SetMetricAgentsAsync(1, 1001, [keeps.Id, gains.Id, elsewhere.Id, 987_654], later, Ct);

        Assert.Equal([1001L, 1002], (await Agents.GetAsync(1, keeps.Id, Ct))!.MetricIds);
        Assert.Equal([1003L, 1001], (await Agents.GetAsync(1, gains.Id, Ct))!.MetricIds);
        Assert.Equal([1002L], (await Agents.GetAsync(1, loses.Id, Ct))!.MetricIds);
        AssertSameJson(untouched, await Agents.GetAsync(1, untouched.Id, Ct));
        AssertSameJson(elsewhere, await Agents.GetAsync(2, elsewhere.Id, Ct));
        // Only the agents that changed are marked as updated.
        Assert.Equal(keeps.UpdatedAt, (await Agents.GetAsync(1, keeps.Id, Ct))!.UpdatedAt);
        Assert.Equal(later, (await Agents.GetAsync(1, gains.Id, Ct))!.UpdatedAt);
        Assert.Equal(later, (await Agents.GetAsync(1, loses.Id, Ct))!.UpdatedAt);
    }

    [SkippableFact]
    public async Task Setting_no_agents_removes_the_metric_from_every_agent_of_the_project()
    {
        var a = await Agents.CreateAsync(Agent() with { MetricIds = [1001, 1002] }, Ct);
        var b = await Agents.CreateAsync(Agent() with { MetricIds = [1001] }, Ct);

        await Agents.SetMetricAgentsAsync(1, 1001, [], Time, Ct);

        Assert.Equal([1002L], (await Agents.GetAsync(1, a.Id, Ct))!.MetricIds);
        Assert.Empty((await Agents.GetAsync(1, b.Id, Ct))!.MetricIds);
        Assert.Empty(await Agents.ListEnablingAsync(1, [1001], Ct));
    }

    [SkippableFact]
    public async Task Concurrent_settings_of_different_metrics_on_one_agent_are_all_kept()
    {
        var agent = await Agents.CreateAsync(Agent() with { MetricIds = [] }, Ct);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => Agents.SetMetricAgentsAsync(1, 1001 + i, [agent.Id], Time, Ct))));

        Assert.Equal(Enumerable.Range(1001, 10).Select(i => (long)i), (await Agents.GetAsync(1, agent.Id, Ct))!.MetricIds.Order());
    }
}
