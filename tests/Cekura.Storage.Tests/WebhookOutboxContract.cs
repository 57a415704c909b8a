using Cekura.Hosting.Storage;

namespace Cekura.Storage.Tests;

/// <summary>What every webhook outbox must do; one subclass per store, each test on an empty store.</summary>
public abstract class WebhookOutboxContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Whole milliseconds, the precision the outbox promises, and an offset it need not keep.</summary>
    private static readonly DateTimeOffset T0 = new(2026, 5, 6, 7, 8, 9, 345, TimeSpan.FromHours(2));
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    protected IWebhookOutbox Outbox { get; private set; } = null!;

    protected abstract Task<IWebhookOutbox> OpenStoreAsync();

    protected abstract Task CloseStoreAsync();

    public async Task InitializeAsync() => Outbox = await OpenStoreAsync();

    public Task DisposeAsync() => CloseStoreAsync();

    private static WebhookDelivery Delivery(string key, long projectId = 1, long callLogId = 10, DateTimeOffset? due = null) => new()
    {
        DeliveryKey = key,
        ProjectId = projectId,
        CallLogId = callLogId,
        Url = "https://hooks.example/cekura?token=abc",
        Secret = "s3cret",
        Body = """{"event_type":"call_log.completed","data":{"id":10,"call_id":"c-1 ✓"}}""",
        CreatedAt = T0,
        NextAttemptAt = due ?? T0,
    };

    private async Task<WebhookDelivery> EnqueuedAsync(WebhookDelivery delivery) => (await Outbox.EnqueueAsync(delivery, Ct)).Delivery;

    private static WebhookAttemptOutcome Outcome(int? status, string? error = null, int secondsAfterT0 = 1) =>
        new(T0.AddSeconds(secondsAfterT0), status, error);

    [SkippableFact]
    public async Task An_enqueued_delivery_is_pending_and_round_trips()
    {
        var enqueued = await Outbox.EnqueueAsync(Delivery("10:1"), Ct);

        Assert.True(enqueued.Created);
        var stored = enqueued.Delivery;
        Assert.True(stored.Id > 0);
        Assert.Equal(stored, await Outbox.GetAsync(1, stored.Id, Ct));
        Assert.Equal(("10:1", 1L, 10L), (stored.DeliveryKey, stored.ProjectId, stored.CallLogId));
        Assert.Equal("https://hooks.example/cekura?token=abc", stored.Url);
        Assert.Equal("s3cret", stored.Secret);
        Assert.Equal("""{"event_type":"call_log.completed","data":{"id":10,"call_id":"c-1 ✓"}}""", stored.Body);
        Assert.Equal(WebhookDeliveryStatus.Pending, stored.Status);
        Assert.Equal(0, stored.Attempts);
        Assert.Equal(T0, stored.NextAttemptAt);
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Null(stored.LastError);
        Assert.Null(stored.LastStatusCode);
        Assert.Null(stored.DeliveredAt);
        Assert.Null(stored.AbandonedAt);
        Assert.Null(stored.LeaseId);
        Assert.Null(stored.LeasedUntil);
    }

    [SkippableFact]
    public async Task A_delivery_without_a_secret_keeps_it_null()
    {
        var stored = await EnqueuedAsync(Delivery("10:1") with { Secret = null });

        Assert.Null((await Outbox.GetAsync(1, stored.Id, Ct))!.Secret);
    }

    [SkippableFact]
    public async Task Enqueueing_a_key_twice_keeps_the_first_row_and_reports_it()
    {
        var first = await Outbox.EnqueueAsync(Delivery("10:1"), Ct);
        var second = await Outbox.EnqueueAsync(Delivery("10:1") with { Url = "https://other.example/", Body = "{}" }, Ct);

        Assert.False(second.Created);
        Assert.Equal(first.Delivery, second.Delivery);
        Assert.Single(await Outbox.ListAsync(1, null, 100, Ct));
    }

    [SkippableFact]
    public async Task Enqueueing_a_finished_key_again_does_not_revive_it()
    {
        var stored = await EnqueuedAsync(Delivery("10:1"));
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(T0, 10, Lease, Ct));
        Assert.True(await Outbox.MarkDeliveredAsync(stored.Id, claimed.LeaseId!, Outcome(200), Ct));

        var again = await Outbox.EnqueueAsync(Delivery("10:1"), Ct);

        Assert.False(again.Created);
        Assert.Equal(WebhookDeliveryStatus.Delivered, again.Delivery.Status);
        Assert.Empty(await Outbox.ClaimDueAsync(T0.AddDays(1), 10, Lease, Ct));
    }

    [SkippableFact]
    public async Task Concurrent_enqueues_of_one_key_store_one_row()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Outbox.EnqueueAsync(Delivery("10:1"), Ct)));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Delivery.Id).Distinct());
        Assert.Single(await Outbox.ListAsync(1, null, 100, Ct));
    }

    [SkippableFact]
    public async Task Enqueue_ignores_the_state_fields_of_its_argument()
    {
        var stored = await EnqueuedAsync(Delivery("10:1") with
        {
            Status = WebhookDeliveryStatus.Delivered, Attempts = 5, LastError = "x", LastStatusCode = 500,
            DeliveredAt = T0, LeaseId = "forged", LeasedUntil = T0.AddDays(1),
        });

        Assert.Equal(WebhookDeliveryStatus.Pending, stored.Status);
        Assert.Equal(0, stored.Attempts);
        Assert.Null(stored.LastError);
        Assert.Null(stored.LastStatusCode);
        Assert.Null(stored.DeliveredAt);
        Assert.Null(stored.LeaseId);
        Assert.Null(stored.LeasedUntil);
        Assert.Single(await Outbox.ClaimDueAsync(T0, 10, Lease, Ct));
    }

    [SkippableTheory]
    [InlineData("", "https://hooks.example/", "{}")]
    [InlineData("10:1", " ", "{}")]
    [InlineData("10:1", "https://hooks.example/", "")]
    public async Task A_delivery_without_key_url_or_body_is_refused(string key, string url, string body)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Outbox.EnqueueAsync(Delivery(key) with { Url = url, Body = body }, Ct));
    }

    [SkippableFact]
    public async Task Claiming_leases_due_deliveries_earliest_first_and_counts_the_attempt()
    {
        var later = await EnqueuedAsync(Delivery("a", due: T0.AddSeconds(-1)));
        var earlier = await EnqueuedAsync(Delivery("b", due: T0.AddSeconds(-2)));
        await EnqueuedAsync(Delivery("c", due: T0.AddSeconds(10)));

        var claimed = await Outbox.ClaimDueAsync(T0, 10, Lease, Ct);

        Assert.Equal([earlier.Id, later.Id], claimed.Select(d => d.Id));
        Assert.All(claimed, d =>
        {
            Assert.Equal(1, d.Attempts);
            Assert.False(string.IsNullOrEmpty(d.LeaseId));
            Assert.Equal(T0 + Lease, d.LeasedUntil);
            Assert.Equal(WebhookDeliveryStatus.Pending, d.Status);
        });
        Assert.Equal(claimed[0], await Outbox.GetAsync(1, earlier.Id, Ct));
    }

    [SkippableFact]
    public async Task A_leased_delivery_is_not_claimed_again_until_its_lease_runs_out()
    {
        var stored = await EnqueuedAsync(Delivery("a"));
        var first = Assert.Single(await Outbox.ClaimDueAsync(T0, 10, Lease, Ct));

        Assert.Empty(await Outbox.ClaimDueAsync(T0 + Lease - TimeSpan.FromMilliseconds(1), 10, Lease, Ct));
        var second = Assert.Single(await Outbox.ClaimDueAsync(T0 + Lease, 10, Lease, Ct));

        Assert.Equal(stored.Id, second.Id);
        Assert.Equal(2, second.Attempts);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        Assert.False(await Outbox.MarkDeliveredAsync(stored.Id, first.LeaseId!, Outcome(200), Ct));
        Assert.True(await Outbox.MarkDeliveredAsync(stored.Id, second.LeaseId!, Outcome(200), Ct));
    }

    [SkippableFact]
    public async Task Claiming_takes_at_most_max()
    {
        for (var i = 0; i < 5; i++)
        {
            await EnqueuedAsync(Delivery($"k{i}"));
        }

        Assert.Equal(3, (await Outbox.ClaimDueAsync(T0, 3, Lease, Ct)).Count);
        Assert.Equal(2, (await Outbox.ClaimDueAsync(T0, 3, Lease, Ct)).Count);
        Assert.Empty(await Outbox.ClaimDueAsync(T0, 3, Lease, Ct));
    }

    [SkippableFact]
    public async Task Concurrent_claims_never_hand_out_one_delivery_twice()
    {
        const int count = 40;
        for (var i = 0; i < count; i++)
        {
            await EnqueuedAsync(Delivery($"k{i}"));
        }

        var rounds = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var mine = new List<long>();
            while ((await Outbox.ClaimDueAsync(T0, 3, Lease, Ct)) is { Count: > 0 } batch)
            {
                mine.AddRange(batch.Select(d => d.Id));
            }
            return mine;
        }));

        var all = rounds.SelectMany(r => r).ToList();
        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Distinct().Count());
    }

    [SkippableFact]
    public async Task Marking_delivered_finishes_the_delivery_and_needs_its_lease()
    {
        var stored = await EnqueuedAsync(Delivery("a"));
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(T0, 10, Lease, Ct));

        Assert.False(await Outbox.MarkDeliveredAsync(stored.Id, "not-the-lease", Outcome(200), Ct));
        Assert.True(await Outbox.MarkDeliveredAsync(stored.Id, claimed.LeaseId!, Outcome(204), Ct));
        Assert.False(await Outbox.MarkDeliveredAsync(stored.Id, claimed.LeaseId!, Outcome(204), Ct));

        var delivered = (await Outbox.GetAsync(1, stored.Id, Ct))!;
        Assert.Equal(WebhookDeliveryStatus.Delivered, delivered.Status);
        Assert.Equal(T0.AddSeconds(1), delivered.DeliveredAt);
        Assert.Equal(204, delivered.LastStatusCode);
        Assert.Null(delivered.LastError);
        Assert.Equal(1, delivered.Attempts);
        Assert.Null(delivered.LeaseId);
        Assert.Null(delivered.AbandonedAt);
        Assert.Empty(await Outbox.ClaimDueAsync(T0.AddDays(1), 10, Lease, Ct));
    }

    [SkippableFact]
    public async Task A_failed_attempt_releases_the_delivery_until_its_next_attempt()
    {
        var stored = await EnqueuedAsync(Delivery("a"));
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(T0, 10, Lease, Ct));

        Assert.True(await Outbox.MarkFailedAsync(stored.Id, claimed.LeaseId!, Outcome(503, "the receiver answered 503"), T0.AddSeconds(5), Ct));

        var failed = (await Outbox.GetAsync(1, stored.Id, Ct))!;
        Assert.Equal(WebhookDeliveryStatus.Pending, failed.Status);
        Assert.Equal((503, "the receiver answered 503"), (failed.LastStatusCode, failed.LastError));
        Assert.Equal(T0.AddSeconds(5), failed.NextAttemptAt);
        Assert.Null(failed.LeaseId);
        Assert.Null(failed.LeasedUntil);
        Assert.Empty(await Outbox.ClaimDueAsync(T0.AddSeconds(4), 10, Lease, Ct));
        var retry = Assert.Single(await Outbox.ClaimDueAsync(T0.AddSeconds(5), 10, Lease, Ct));
        Assert.Equal(2, retry.Attempts);
        Assert.False(await Outbox.MarkFailedAsync(stored.Id, claimed.LeaseId!, Outcome(503), T0, Ct));
    }

    [SkippableFact]
    public async Task An_abandoned_delivery_keeps_its_last_error_and_is_never_claimed()
    {
        var stored = await EnqueuedAsync(Delivery("a"));
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(T0, 10, Lease, Ct));

        Assert.True(await Outbox.MarkAbandonedAsync(stored.Id, claimed.LeaseId!, Outcome(null, "refused: 10.0.0.1 is a private address"), Ct));

        var abandoned = (await Outbox.GetAsync(1, stored.Id, Ct))!;
        Assert.Equal(WebhookDeliveryStatus.Abandoned, abandoned.Status);
        Assert.Equal("refused: 10.0.0.1 is a private address", abandoned.LastError);
        Assert.Null(abandoned.LastStatusCode);
        Assert.Equal(T0.AddSeconds(1), abandoned.AbandonedAt);
        Assert.Null(abandoned.DeliveredAt);
        Assert.Empty(await Outbox.ClaimDueAsync(T0.AddDays(1), 10, Lease, Ct));
        Assert.False(await Outbox.MarkDeliveredAsync(stored.Id, claimed.LeaseId!, Outcome(200), Ct));
    }

    [SkippableFact]
    public async Task Reads_are_scoped_to_the_project()
    {
        var a1 = await EnqueuedAsync(Delivery("a1", projectId: 1, callLogId: 10));
        var a2 = await EnqueuedAsync(Delivery("a2", projectId: 1, callLogId: 11));
        var a3 = await EnqueuedAsync(Delivery("a3", projectId: 1, callLogId: 10));
        var b1 = await EnqueuedAsync(Delivery("b1", projectId: 2, callLogId: 20));

        Assert.Null(await Outbox.GetAsync(2, a1.Id, Ct));
        Assert.Null(await Outbox.GetByKeyAsync(2, "a1", Ct));
        Assert.Equal(a1, await Outbox.GetByKeyAsync(1, "a1", Ct));
        Assert.Equal([a3.Id, a2.Id, a1.Id], (await Outbox.ListAsync(1, null, 100, Ct)).Select(d => d.Id));
        Assert.Equal([a3.Id, a1.Id], (await Outbox.ListAsync(1, 10, 100, Ct)).Select(d => d.Id));
        Assert.Equal([a3.Id], (await Outbox.ListAsync(1, null, 1, Ct)).Select(d => d.Id));
        Assert.Equal([b1.Id], (await Outbox.ListAsync(2, null, 100, Ct)).Select(d => d.Id));
    }

    [SkippableFact]
    public async Task Retention_deletes_only_deliveries_finished_before_the_cutoff()
    {
        var delivered = await EnqueuedAsync(Delivery("delivered"));
        var abandoned = await EnqueuedAsync(Delivery("abandoned"));
        var recent = await EnqueuedAsync(Delivery("recent"));
        var pending = await EnqueuedAsync(Delivery("pending", due: T0.AddSeconds(-10)));
        var leases = (await Outbox.ClaimDueAsync(T0, 10, Lease, Ct)).ToDictionary(d => d.Id, d => d.LeaseId!);
        await Outbox.MarkDeliveredAsync(delivered.Id, leases[delivered.Id], Outcome(200, secondsAfterT0: 1), Ct);
        await Outbox.MarkAbandonedAsync(abandoned.Id, leases[abandoned.Id], Outcome(500, "x", secondsAfterT0: 2), Ct);
        await Outbox.MarkDeliveredAsync(recent.Id, leases[recent.Id], Outcome(200, secondsAfterT0: 10), Ct);
        await Outbox.MarkFailedAsync(pending.Id, leases[pending.Id], Outcome(500, "x", secondsAfterT0: 1), T0.AddDays(1), Ct);

        Assert.Equal(2, await Outbox.DeleteFinishedBeforeAsync(T0.AddSeconds(5), Ct));

        Assert.Equal(new[] { pending.Id, recent.Id }.Order(), (await Outbox.ListAsync(1, null, 100, Ct)).Select(d => d.Id).Order());
    }

    [SkippableFact]
    public async Task Deleting_a_call_logs_deliveries_stays_inside_the_project()
    {
        await EnqueuedAsync(Delivery("a", projectId: 1, callLogId: 10));
        await EnqueuedAsync(Delivery("b", projectId: 1, callLogId: 10));
        var kept = await EnqueuedAsync(Delivery("c", projectId: 1, callLogId: 11));
        var other = await EnqueuedAsync(Delivery("d", projectId: 2, callLogId: 10));

        Assert.Equal(2, await Outbox.DeleteForCallLogsAsync(1, [10, 12], Ct));
        Assert.Equal(0, await Outbox.DeleteForCallLogsAsync(1, [], Ct));

        Assert.Equal([kept.Id], (await Outbox.ListAsync(1, null, 100, Ct)).Select(d => d.Id));
        Assert.Equal([other.Id], (await Outbox.ListAsync(2, null, 100, Ct)).Select(d => d.Id));
    }
}
