using Cekura.Contracts.Calls;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The second level of redelivery on the in-memory bus: a store outage that outlasts the in-memory retries is
/// re-driven by the outbox relay until it heals; poison is not.
/// </summary>
public sealed class RedeliveryTests
{
    /// <summary>Redelivery every 0.2–0.5 s, up to 40 times: a few seconds of outage heal well within the budget.</summary>
    internal static readonly Dictionary<string, string?> ShortRedelivery = new()
    {
        ["Bus:Redelivery:Limit"] = "40",
        ["Bus:Redelivery:MinIntervalSeconds"] = "0.2",
        ["Bus:Redelivery:MaxIntervalSeconds"] = "0.5",
    };

    [Fact]
    public async Task A_store_outage_longer_than_the_retries_heals_and_the_call_is_evaluated_once()
    {
        FlakyCallStore? flaky = null;
        await using var host = new EmbeddedHost(ShortRedelivery, services => services.AddSingleton<ICallStore>(sp =>
            flaky = FlakyCallStore.FailingFor(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed,
                TimeSpan.FromSeconds(3))));
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("outage-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();

        var done = await Calls.WaitForStageAsync(client, id, "evaluated", TimeSpan.FromSeconds(90));

        Assert.Equal("evaluated", done.GetProperty("processing_stage").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, done.GetProperty("error_message").ValueKind);
        // Three attempts per delivery (Bus:Retry:Limit 2): more failures than that means the relay re-drove it.
        Assert.True(flaky!.Failed > 3, $"only {flaky.Failed} failed writes: the outage never outlasted the retries");
        var stored = (await host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(id, CancellationToken.None))!;
        Assert.Equal(1, stored.EvaluationCount);
        Assert.Null(stored.RedeliverAt);
        Assert.Equal(0, stored.Redeliveries);
    }

    [Fact]
    public async Task When_the_redelivery_cannot_be_scheduled_the_fault_consumer_schedules_it_instead_of_failing_the_call()
    {
        FlakyCallStore? flaky = null;
        await using var host = new EmbeddedHost(ShortRedelivery, services => services.AddSingleton<ICallStore>(sp =>
            flaky = new FlakyCallStore(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed, failures: null)
            {
                Outage = TimeSpan.FromSeconds(2),
                RedeliveryWriteFailures = 1,
            }));
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("outage-schedule-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();

        var done = await Calls.WaitForStageAsync(client, id, "evaluated", TimeSpan.FromSeconds(90));

        Assert.Equal("evaluated", done.GetProperty("processing_stage").GetString());
        Assert.Equal(1, flaky!.RedeliveryWritesFailed);
        Assert.Equal(1, (await host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(id, CancellationToken.None))!.EvaluationCount);
    }

    [Fact]
    public async Task A_poison_message_fails_the_call_at_once_with_the_reason_and_is_not_redelivered()
    {
        FlakyCallStore? flaky = null;
        await using var host = new EmbeddedHost(ShortRedelivery, services => services.AddSingleton<ICallStore>(sp =>
            flaky = new FlakyCallStore(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed, failures: null)
            {
                Poison = true,
            }));
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("poison-mem-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();

        var failed = await Calls.WaitForStageAsync(client, id, "failed");

        Assert.Equal("Transcription failed: injected bug", failed.GetProperty("error_message").GetString());
        var stored = (await host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(id, CancellationToken.None))!;
        Assert.Equal(0, stored.Redeliveries);
        Assert.True(flaky!.Failed >= 3);
    }

    [Fact]
    public async Task An_outage_longer_than_the_redelivery_budget_fails_the_call_with_the_reason()
    {
        // EmbeddedHost's defaults: 2 redeliveries 0.1–0.3 s apart, against a store that never heals.
        await using var host = new EmbeddedHost(services: services => services.AddSingleton<ICallStore>(sp =>
            new FlakyCallStore(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed, failures: null)));
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("outage-forever-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();

        var failed = await Calls.WaitForStageAsync(client, id, "failed");

        Assert.Equal("Transcription failed: injected store outage", failed.GetProperty("error_message").GetString());
        var stored = (await host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(id, CancellationToken.None))!;
        Assert.Equal(2, stored.Redeliveries);
        Assert.Null(stored.RedeliverAt);
    }
}
