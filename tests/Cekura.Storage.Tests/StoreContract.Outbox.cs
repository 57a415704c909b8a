using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>The calls as the outbox of their owed events (<see cref="ICallOutbox"/>), the same for every store.</summary>
public abstract partial class StoreContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private ICallOutbox Outbox => (ICallOutbox)Calls;

    /// <summary>Another client of the same stores, as a second process (or replica) sharing them would be.</summary>
    protected abstract ICallOutbox OpenSecondOutbox();

    private static OutboxDue DueAt(DateTimeOffset now) => new(now.AddSeconds(-10), now.AddMinutes(-5), now);

    private async Task<long> AddAsync(CallStage stage, DateTimeOffset changedAt, DateTimeOffset? publishedAt, string? callId = null) =>
        (await Calls.InsertAsync(
            MinimalCall(callId: callId) with { Stage = stage, StageChangedAt = changedAt, OutboxPublishedAt = publishedAt }, Ct)).Id;

    [SkippableFact]
    public async Task Owed_events_are_unconfirmed_old_changes_and_stalled_confirmed_stages()
    {
        var now = Time;
        var due = new OutboxDue(now.AddMinutes(-5), now.AddMinutes(-30), now);
        var unconfirmedReceived = await AddAsync(CallStage.Received, now.AddMinutes(-10), null);
        await AddAsync(CallStage.Received, now.AddMinutes(-1), null);                              // still within the grace period
        var unconfirmedEvaluated = await AddAsync(CallStage.Evaluated, now.AddMinutes(-20), null); // CallEvaluated is still owed
        await AddAsync(CallStage.Failed, now.AddHours(-2), null);                                  // failed owes nothing
        var stalledTranscribed = await AddAsync(CallStage.Transcribed, now.AddHours(-3), now.AddHours(-1));
        await AddAsync(CallStage.Transcribed, now.AddMinutes(-40), now.AddMinutes(-10));           // confirmed recently
        await AddAsync(CallStage.Evaluated, now.AddHours(-2), now.AddHours(-2));                   // terminal and confirmed
        await AddAsync(CallStage.Failed, now.AddHours(-2), now.AddHours(-2));
        var stalledRedacted = await AddAsync(CallStage.Redacted, now.AddHours(-1), now.AddHours(-1));

        var claims = await Outbox.ClaimDueAsync(due, 100, now + Lease, Ct);

        Assert.Equal(
            new[] { unconfirmedReceived, unconfirmedEvaluated, stalledTranscribed, stalledRedacted }.Order(),
            claims.Select(c => c.CallLogId).Order());
        var received = claims.Single(c => c.CallLogId == unconfirmedReceived);
        Assert.Equal("received", received.Stage);
        Assert.Equal(1, received.ProjectId);
        Assert.Equal(now.AddMinutes(-10).ToUnixTimeMilliseconds(), received.StageChangedAt.ToUnixTimeMilliseconds());
        Assert.Equal(1, received.Attempt);
        Assert.Single(claims.Select(c => c.ClaimId).Distinct());
    }

    [SkippableFact]
    public async Task The_backlog_counts_calls_waiting_per_unfinished_stage_and_events_owed_across_projects()
    {
        var now = Time;
        var empty = await Calls.CountBacklogAsync(Ct);
        Assert.All(empty.Waiting.Values, n => Assert.Equal(0, n));
        Assert.Equal(0, empty.OwedEvents);
        await AddAsync(CallStage.Received, now, null);
        await Calls.InsertAsync(MinimalCall(projectId: 2) with { Stage = CallStage.Received, StageChangedAt = now }, Ct);
        await AddAsync(CallStage.Transcribed, now, now);
        var redacted = await AddAsync(CallStage.Redacted, now, null);
        await AddAsync(CallStage.Evaluated, now, null);      // finished, but CallEvaluated is still owed
        await AddAsync(CallStage.Evaluated, now, now);
        await AddAsync(CallStage.Failed, now, null);         // failed owes nothing

        var backlog = await Calls.CountBacklogAsync(Ct);

        Assert.Equal(
            new Dictionary<CallStage, long> { [CallStage.Received] = 2, [CallStage.Transcribed] = 1, [CallStage.Redacted] = 1 },
            backlog.Waiting.Where(kv => kv.Value > 0).ToDictionary());
        Assert.Equal(4, backlog.OwedEvents);

        // A confirmation settles the event; a deletion takes the call out of both counts.
        var owedRedacted = (await Calls.GetForWorkerAsync(redacted, Ct))!;
        await Outbox.MarkPublishedAsync([OwedEvent.Of(owedRedacted)], now, Ct);
        Assert.Equal(3, (await Calls.CountBacklogAsync(Ct)).OwedEvents);
        Assert.True(await Calls.DeleteAsync(1, redacted, Ct));
        var after = await Calls.CountBacklogAsync(Ct);
        Assert.False(after.Waiting.GetValueOrDefault(CallStage.Redacted) > 0);
        Assert.Equal(3, after.OwedEvents);
    }

    [SkippableFact]
    public async Task Owed_event_thresholds_are_exclusive()
    {
        var now = Time;
        await AddAsync(CallStage.Received, now, null);
        await AddAsync(CallStage.Received, now.AddHours(-1), now);

        Assert.Empty(await Outbox.ClaimDueAsync(new OutboxDue(now, now, now), 100, now + Lease, Ct));
    }

    [SkippableFact]
    public async Task A_claim_takes_at_most_max_calls_most_overdue_first()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await AddAsync(CallStage.Received, Time.AddMinutes(-i), null));
        }

        var claims = await Outbox.ClaimDueAsync(DueAt(Time.AddMinutes(1)), 2, Time + Lease, Ct);

        Assert.Equal(new[] { ids[4], ids[3] }.Order(), claims.Select(c => c.CallLogId).Order());
    }

    [SkippableFact]
    public async Task A_claimed_call_is_left_alone_until_its_lease_ends_then_claimed_again()
    {
        var id = await AddAsync(CallStage.Received, Time.AddMinutes(-1), null);
        var leaseUntil = Time + Lease;

        Assert.Single(await Outbox.ClaimDueAsync(DueAt(Time), 10, leaseUntil, Ct));
        Assert.Empty(await Outbox.ClaimDueAsync(DueAt(Time), 10, leaseUntil, Ct));
        Assert.Empty(await Outbox.ClaimDueAsync(DueAt(leaseUntil.AddMilliseconds(-1)), 10, leaseUntil + Lease, Ct));

        var again = Assert.Single(await Outbox.ClaimDueAsync(DueAt(leaseUntil), 10, leaseUntil + Lease, Ct));
        Assert.Equal(id, again.CallLogId);
        Assert.Equal(2, again.Attempt);
    }

    [SkippableFact]
    public async Task A_published_settlement_confirms_the_event_and_holds_the_call_until_its_next_attempt()
    {
        var id = await AddAsync(CallStage.Transcribed, Time.AddHours(-2), Time.AddHours(-1));
        var claim = Assert.Single(await Outbox.ClaimDueAsync(DueAt(Time), 10, Time + Lease, Ct));
        var next = Time.AddMinutes(10);

        await Outbox.SettleAsync([new OutboxSettlement(claim, Time, next)], Ct);

        var call = (await Calls.GetForWorkerAsync(id, Ct))!;
        Assert.Equal(Time.ToUnixTimeMilliseconds(), call.OutboxPublishedAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(CallStage.Transcribed, call.Stage);
        // Not due before its next attempt, even though it was confirmed more than the stalled threshold ago by then.
        Assert.Empty(await Outbox.ClaimDueAsync(DueAt(next.AddMilliseconds(-1)), 10, next + Lease, Ct));
        Assert.Equal(2, Assert.Single(await Outbox.ClaimDueAsync(DueAt(next), 10, next + Lease, Ct)).Attempt);
    }

    [SkippableFact]
    public async Task A_failed_settlement_leaves_the_event_owed_and_releases_the_call_at_its_next_attempt()
    {
        var id = await AddAsync(CallStage.Received, Time.AddMinutes(-1), null);
        var claim = Assert.Single(await Outbox.ClaimDueAsync(DueAt(Time), 10, Time + Lease, Ct));
        var next = Time.AddSeconds(20);

        await Outbox.SettleAsync([new OutboxSettlement(claim, null, next)], Ct);

        Assert.Null((await Calls.GetForWorkerAsync(id, Ct))!.OutboxPublishedAt);
        Assert.Empty(await Outbox.ClaimDueAsync(DueAt(next.AddMilliseconds(-1)), 10, next + Lease, Ct));
        Assert.Single(await Outbox.ClaimDueAsync(DueAt(next), 10, next + Lease, Ct));
    }

    [SkippableFact]
    public async Task A_stage_change_starts_the_call_afresh_and_voids_the_old_claim()
    {
        var id = await AddAsync(CallStage.Received, Time.AddMinutes(-1), null);
        var claim = Assert.Single(await Outbox.ClaimDueAsync(DueAt(Time), 10, Time.AddHours(1), Ct));
        var call = (await Calls.GetForWorkerAsync(id, Ct))!;
        var changedAt = Time.AddSeconds(1);
        await Calls.ReplaceAsync(call with { Stage = CallStage.Transcribed, StageChangedAt = changedAt, OutboxPublishedAt = null }, Ct);

        await Outbox.SettleAsync([new OutboxSettlement(claim, Time.AddSeconds(2), Time.AddHours(2))], Ct);

        Assert.Null((await Calls.GetForWorkerAsync(id, Ct))!.OutboxPublishedAt);
        // The new stage is owed by its own change time, not held by the earlier stage's claim.
        var fresh = Assert.Single(await Outbox.ClaimDueAsync(DueAt(changedAt.AddSeconds(11)), 10, Time.AddHours(3), Ct));
        Assert.Equal("transcribed", fresh.Stage);
        Assert.Equal(1, fresh.Attempt);
    }

    [SkippableFact]
    public async Task Marking_published_confirms_each_event_of_its_own_stage_only()
    {
        var first = (await Calls.InsertAsync(MinimalCall(callId: "a") with { StageChangedAt = Time }, Ct));
        var second = (await Calls.InsertAsync(MinimalCall(callId: "b") with { StageChangedAt = Time }, Ct));
        var movedOn = (await Calls.InsertAsync(MinimalCall(callId: "c") with { StageChangedAt = Time }, Ct));
        var owedBefore = OwedEvent.Of(movedOn);
        await Calls.ReplaceAsync(movedOn with { Stage = CallStage.Transcribed, StageChangedAt = Time.AddSeconds(1) }, Ct);
        var at = Time.AddSeconds(2);

        await Outbox.MarkPublishedAsync([OwedEvent.Of(first), OwedEvent.Of(second), owedBefore], at, Ct);

        foreach (var call in new[] { first, second })
        {
            var loaded = (await Calls.GetForWorkerAsync(call.Id, Ct))!;
            // Kept to the millisecond, as the relay's own times are (SQLite reads it from its column).
            Assert.Equal(at.ToUnixTimeMilliseconds(), loaded.OutboxPublishedAt?.ToUnixTimeMilliseconds());
            Assert.Equal(call.Version, loaded.Version);
        }
        Assert.Null((await Calls.GetForWorkerAsync(movedOn.Id, Ct))!.OutboxPublishedAt);
        // The confirmed calls owe nothing now; the one that moved on owes its new stage's event.
        var owed = Assert.Single(await Outbox.ClaimDueAsync(DueAt(Time.AddMinutes(1)), 10, Time.AddHours(1), Ct));
        Assert.Equal(movedOn.Id, owed.CallLogId);
    }

    [SkippableFact]
    public async Task Two_relays_sharing_the_store_claim_disjoint_calls()
    {
        const int owed = 200;
        for (var i = 0; i < owed; i++)
        {
            await AddAsync(CallStage.Received, Time.AddSeconds(-60 - i), null, callId: $"owed-{i}");
        }
        var relays = new[] { Outbox, OpenSecondOutbox() };

        var claimed = await Task.WhenAll(relays.Select(relay => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (await relay.ClaimDueAsync(DueAt(Time), 7, Time + Lease, Ct) is { Count: > 0 } claims)
            {
                mine.AddRange(claims.Select(c => c.CallLogId));
            }
            return mine;
        })));

        Assert.Empty(claimed[0].Intersect(claimed[1]));
        Assert.Equal(owed, claimed[0].Concat(claimed[1]).Distinct().Count());
    }

    [SkippableFact]
    public async Task Releasing_claims_makes_every_owed_event_due_by_its_stage_again()
    {
        var unconfirmed = await AddAsync(CallStage.Received, Time.AddMinutes(-1), null);
        var stalled = await AddAsync(CallStage.Redacted, Time.AddHours(-1), Time.AddHours(-1));
        var claims = await Outbox.ClaimDueAsync(DueAt(Time), 10, Time + Lease, Ct);
        await Outbox.SettleAsync(claims.Select(c => new OutboxSettlement(c, Time, Time.AddHours(1))).ToList(), Ct);
        Assert.Empty(await Outbox.ClaimDueAsync(new OutboxDue(Time, Time, Time), 10, Time + Lease, Ct));

        await Outbox.ReleaseClaimsAsync(Ct);

        var again = await Outbox.ClaimDueAsync(new OutboxDue(Time, Time.AddMilliseconds(1), Time), 10, Time + Lease, Ct);
        Assert.Equal(new[] { unconfirmed, stalled }.Order(), again.Select(c => c.CallLogId).Order());
        Assert.All(again, c => Assert.Equal(1, c.Attempt));
    }
}
