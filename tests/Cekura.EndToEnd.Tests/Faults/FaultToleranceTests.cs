using System.Text;
using Cekura.EndToEnd.Tests.Support;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Cekura.EndToEnd.Tests.Faults;

/// <summary>
/// Faults with real processes under a steady load (a few calls per second from a background loop): a worker killed
/// mid-message, the broker restarted or hung, ingest killed while events are owed, a poison message, two ingest
/// replicas. After each, every call answered 201 reaches its final state exactly once: evaluated once, each metric
/// once, one completion webhook. Run only these with <c>--filter Category=Faults</c>.
/// </summary>
[Trait("Category", "Faults")]
public sealed class FaultToleranceTests(FaultDeployment deployment, ITestOutputHelper output) : IClassFixture<FaultDeployment>
{
    [SkippableFact]
    public async Task A_worker_killed_mid_message_and_restarted_loses_and_doubles_nothing()
    {
        var load = await StartLoadAsync("kill-worker");
        await load.WaitForAcceptedAsync(6);
        await deployment.KillAndRestartWorkerAsync();
        await load.WaitForAcceptedAsync(6);
        await VerifyAsync("kill-worker", load);
    }

    [SkippableFact]
    public async Task A_broker_restart_loses_and_doubles_nothing()
    {
        var load = await StartLoadAsync("restart-broker");
        await load.WaitForAcceptedAsync(6);
        await deployment.Broker.RestartAsync();
        await load.WaitForAcceptedAsync(6);
        await VerifyAsync("restart-broker", load);
    }

    [SkippableFact]
    public async Task A_hung_broker_resumed_loses_and_doubles_nothing()
    {
        var load = await StartLoadAsync("pause-broker");
        await load.WaitForAcceptedAsync(6);
        deployment.Broker.Pause();
        try
        {
            await WaitForSentAsync(load, 12);
        }
        finally
        {
            deployment.Broker.Resume();
        }
        await load.WaitForAcceptedAsync(6);
        await VerifyAsync("pause-broker", load);
    }

    [SkippableFact]
    public async Task Ingest_killed_while_events_are_owed_and_restarted_loses_and_doubles_nothing()
    {
        var load = await StartLoadAsync("kill-ingest");
        await load.WaitForAcceptedAsync(6);
        // With the broker hung, calls are stored but their events cannot be confirmed: the kill leaves them owed.
        deployment.Broker.Pause();
        try
        {
            await WaitForSentAsync(load, 8);
            await deployment.KillIngestAsync(0);
        }
        finally
        {
            deployment.Broker.Resume();
        }
        await deployment.StartIngestAsync(0);
        await load.WaitForAcceptedAsync(6);
        await VerifyAsync("kill-ingest", load);
    }

    [SkippableFact]
    public async Task A_poison_message_on_a_stage_queue_is_parked_and_the_calls_around_it_finish()
    {
        var load = await StartLoadAsync("poison");
        await load.WaitForAcceptedAsync(4);
        var marker = "fault-test-poison-" + Guid.NewGuid().ToString("N");
        var factory = new ConnectionFactory { HostName = deployment.Broker.Host, Port = deployment.Broker.Port };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // Not even JSON: no retry or redelivery can ever deserialize it.
        await channel.BasicPublishAsync("", "transcription", false,
            new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true },
            Encoding.UTF8.GetBytes($"{{\"poison\": \"{marker}\", "));
        await load.WaitForAcceptedAsync(6);
        await VerifyAsync("poison", load);

        var parked = new List<string>();
        await Eventually.UntilAsync(async () =>
        {
            if (await channel.BasicGetAsync("transcription_error", autoAck: false) is { } message)
            {
                parked.Add(Encoding.UTF8.GetString(message.Body.Span));
            }
            return parked.Any(b => b.Contains(marker));
        }, found => found, _ => $"the poison message never reached transcription_error ({parked.Count} other message(s) there)",
            TimeSpan.FromSeconds(60));
    }

    [SkippableFact]
    public async Task Two_ingest_replicas_sharing_the_store_process_every_call_once()
    {
        var load = await StartLoadAsync("two-ingest");
        await deployment.StartIngestAsync(1);
        try
        {
            await load.WaitForAcceptedAsync(16);
            await VerifyAsync("two-ingest", load);
        }
        finally
        {
            await deployment.KillIngestAsync(1);
        }
    }

    private async Task<SteadyLoad> StartLoadAsync(string scenario)
    {
        deployment.Broker.SkipIfUnavailable();
        await deployment.EnsureStartedAsync();
        return SteadyLoad.Start(deployment, scenario);
    }

    /// <summary>Waits until <paramref name="count"/> more calls were sent (answered or not) since the call.</summary>
    private static Task WaitForSentAsync(SteadyLoad load, int count)
    {
        var target = load.Sent + count;
        return Eventually.UntilAsync(() => Task.FromResult(load.Sent), n => n >= target, n => $"only {n} of {target} calls sent");
    }

    /// <summary>
    /// Stops the load, waits for every stored call of the scenario to finish and for its webhook, prints the counts and
    /// asserts: every accepted call evaluated exactly once, with each metric once and one completion webhook.
    /// </summary>
    private async Task VerifyAsync(string scenario, SteadyLoad load)
    {
        await load.StopAsync();
        await using (load)
        {
            var stored = await Eventually.UntilAsync(() => deployment.CallsAsync(scenario),
                calls => calls.All(c => c.Stage is "evaluated" or "failed") && load.Accepted.Keys.All(id => calls.Any(c => c.CallId == id)),
                calls => $"{scenario}: {calls.Count(c => c.Stage is not ("evaluated" or "failed"))} of {calls.Count} stored calls unfinished "
                    + $"({string.Join(", ", calls.GroupBy(c => c.Stage).Select(g => $"{g.Key}: {g.Count()}"))}); "
                    + $"{load.Accepted.Keys.Count(id => calls.All(c => c.CallId != id))} accepted calls not stored",
                TimeSpan.FromSeconds(150));
            var evaluated = stored.Where(c => c.Stage == "evaluated").ToList();
            var deliveries = await Eventually.UntilAsync(
                () => Task.FromResult(DeliveriesFor(evaluated)),
                found => evaluated.All(c => found.ContainsKey($"{c.Id}:1")),
                found => $"{scenario}: completion webhooks for {found.Count} of {evaluated.Count} evaluated calls", TimeSpan.FromSeconds(60));

            var accepted = stored.Where(c => load.Accepted.ContainsKey(c.CallId)).ToList();
            var finished = accepted.Count(c => c.Stage == "evaluated" && c.EvaluationCount == 1);
            var failed = stored.Where(c => c.Stage == "failed").ToList();
            var doubleEvaluations = stored.Count(c => c.EvaluationCount > 1);
            var doubleMetrics = stored.Count(c => c.DuplicateMetrics > 0);
            var doubleWebhooks = deliveries.Values.Count(n => n > 1) + deliveries.Keys.Count(k => !k.EndsWith(":1"));
            var duplicates = doubleEvaluations + doubleMetrics + doubleWebhooks;
            output.WriteLine(
                $"[faults] {scenario}: sent {load.Sent}, accepted {load.Accepted.Count}, finished {finished}, failed {failed.Count}, "
                + $"duplicates {duplicates} (evaluations {doubleEvaluations}, metrics {doubleMetrics}, webhooks {doubleWebhooks}); "
                + $"stored without a 201 {stored.Count - accepted.Count}; not accepted: {SteadyLoad.Describe(load.Refused)}");

            Assert.True(load.Accepted.Count > 0, $"{scenario}: no call was accepted");
            Assert.True(failed.Count == 0, $"{scenario}: failed calls: {string.Join("; ", failed.Select(c => $"{c.CallId}: {c.ErrorMessage}"))}");
            Assert.Equal(0, duplicates);
            Assert.Equal(load.Accepted.Count, finished);
        }
    }

    /// <summary>Completion webhook deliveries received per delivery id (<c>{call}:{evaluation}</c>) of these calls.</summary>
    private Dictionary<string, int> DeliveriesFor(IReadOnlyList<StoredCall> calls)
    {
        var ids = calls.Select(c => c.Id.ToString()).ToHashSet();
        return deployment.Webhooks.Requests
            .Select(r => r.Header("X-CEKURA-DELIVERY-ID"))
            .Where(key => key is not null && ids.Contains(key.Split(':')[0]))
            .GroupBy(key => key!)
            .ToDictionary(g => g.Key, g => g.Count());
    }
}
