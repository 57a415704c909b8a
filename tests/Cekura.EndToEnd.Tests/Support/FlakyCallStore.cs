using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>
/// Fault injection around the real store: writes that would move a call to <paramref name="failingStage"/> throw,
/// as a database outage would, the first <paramref name="failures"/> times (forever when null), or, with
/// <see cref="FailingUntil"/>, until a wall-clock moment. With <see cref="Poison"/> they throw what a bug would
/// instead of an outage.
/// </summary>
public sealed class FlakyCallStore(ICallStore inner, CallStage failingStage, int? failures) : ICallStore
{
    private int _failed;
    private volatile bool _healed;

    public int Failed => _failed;

    /// <summary>
    /// The outage lasts this long in wall-clock time, counted from the first write it fails (so a slow host start does
    /// not use it up), whatever <c>failures</c> says.
    /// </summary>
    public TimeSpan? Outage { get; init; }

    /// <summary>The first this many writes that schedule a redelivery (<see cref="CallLog.RedeliverAt"/>) fail too.</summary>
    public int RedeliveryWriteFailures { get; init; }

    private int _redeliveryWritesFailed;

    public int RedeliveryWritesFailed => Math.Min(_redeliveryWritesFailed, RedeliveryWriteFailures);

    /// <summary>Throw an error no retry can fix (a bug) instead of an I/O error.</summary>
    public bool Poison { get; init; }

    /// <summary>Ends the outage: every later write goes through.</summary>
    public void Heal() => _healed = true;

    /// <summary>An outage of the store's writes to <paramref name="failingStage"/> lasting <paramref name="outage"/>.</summary>
    public static FlakyCallStore FailingFor(ICallStore inner, CallStage failingStage, TimeSpan outage) =>
        new(inner, failingStage, failures: null) { Outage = outage };

    private long _outageEndsTicks;

    public Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken)
    {
        if (updated.RedeliverAt is not null && Interlocked.Increment(ref _redeliveryWritesFailed) <= RedeliveryWriteFailures)
        {
            throw new IOException("injected store outage while scheduling a redelivery");
        }
        if (!_healed && updated.Stage == failingStage && InOutage() && (failures is null || Interlocked.Increment(ref _failed) <= failures))
        {
            if (failures is null)
            {
                Interlocked.Increment(ref _failed);
            }
            throw Poison ? new InvalidOperationException("injected bug") : new IOException("injected store outage");
        }
        return inner.ReplaceAsync(updated, cancellationToken);
    }

    private bool InOutage()
    {
        if (Outage is not { } outage)
        {
            return true;
        }
        var now = DateTime.UtcNow.Ticks;
        Interlocked.CompareExchange(ref _outageEndsTicks, now + outage.Ticks, 0);
        return now < Interlocked.Read(ref _outageEndsTicks);
    }

    public Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken) => inner.InsertAsync(call, cancellationToken);

    public Task<CallLog?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        inner.GetAsync(projectId, id, cancellationToken);

    public Task<CallLog?> FindByCallIdAsync(long projectId, string callId, CancellationToken cancellationToken) =>
        inner.FindByCallIdAsync(projectId, callId, cancellationToken);

    public Task<CallLog?> GetForWorkerAsync(long id, CancellationToken cancellationToken) => inner.GetForWorkerAsync(id, cancellationToken);

    public Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken) =>
        inner.DeleteAsync(projectId, id, cancellationToken);

    public Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<CallLog>> ListDueRedeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        inner.ListDueRedeliveriesAsync(now, limit, cancellationToken);

    public Task<CallBacklog> CountBacklogAsync(CancellationToken cancellationToken) => inner.CountBacklogAsync(cancellationToken);

    public Task<IReadOnlyList<CallLog>> ListByTraceIdAsync(long projectId, string traceId, int limit, CancellationToken cancellationToken) =>
        inner.ListByTraceIdAsync(projectId, traceId, limit, cancellationToken);
}
