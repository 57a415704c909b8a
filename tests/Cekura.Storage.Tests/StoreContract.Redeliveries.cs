using Cekura.Contracts.Calls;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>Scheduled redeliveries (<see cref="CallLog.RedeliverAt"/>), which the outbox relay re-drives when due.</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task Due_redeliveries_are_the_unfinished_calls_due_by_now_the_longest_overdue_first()
    {
        var now = Time;
        async Task<long> Add(CallStage stage, DateTimeOffset? redeliverAt) =>
            (await Calls.InsertAsync(MinimalCall() with { Stage = stage, RedeliverAt = redeliverAt, Redeliveries = 1 }, Ct)).Id;
        var dueLater = await Add(CallStage.Transcribed, now.AddMilliseconds(-10));
        var dueFirst = await Add(CallStage.Received, now.AddMinutes(-3));
        var dueExactly = await Add(CallStage.Redacted, now);
        await Add(CallStage.Received, now.AddMilliseconds(1));
        await Add(CallStage.Received, null);
        await Add(CallStage.Evaluated, now.AddMinutes(-5));
        await Add(CallStage.Failed, now.AddMinutes(-5));

        var due = await Calls.ListDueRedeliveriesAsync(now, 10, Ct);

        Assert.Equal([dueFirst, dueLater, dueExactly], due.Select(c => c.Id));
        Assert.Equal(now.AddMinutes(-3), due[0].RedeliverAt);
        Assert.Equal(1, due[0].Redeliveries);
        Assert.Equal([dueFirst], (await Calls.ListDueRedeliveriesAsync(now, 1, Ct)).Select(c => c.Id));
    }

    [SkippableFact]
    public async Task A_replace_that_clears_the_redelivery_removes_the_call_from_the_due_list()
    {
        var stored = await Calls.InsertAsync(MinimalCall() with { RedeliverAt = Time.AddSeconds(-1) }, Ct);
        Assert.Single(await Calls.ListDueRedeliveriesAsync(Time, 10, Ct));

        await Calls.ReplaceAsync(stored with { RedeliverAt = null }, Ct);

        Assert.Empty(await Calls.ListDueRedeliveriesAsync(Time, 10, Ct));
    }
}
