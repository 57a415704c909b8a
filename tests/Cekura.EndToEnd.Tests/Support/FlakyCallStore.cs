using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>
/// Fault injection around the real store: writes that would move a call to <paramref name="failingStage"/> throw,
/// as a database outage would, the first <paramref name="failures"/> times (forever when null).
/// </summary>
public sealed class FlakyCallStore(ICallStore inner, CallStage failingStage, int? failures) : ICallStore
{
    private int _failed;
    private volatile bool _healed;

    public int Failed => _failed;

    /// <summary>Ends the outage: every later write goes through.</summary>
    public void Heal() => _healed = true;

    public Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken)
    {
        if (!_healed && updated.Stage == failingStage && (failures is null || Interlocked.Increment(ref _failed) <= failures))
        {
            if (failures is null)
            {
                Interlocked.Increment(ref _failed);
            }
            throw new IOException("injected store outage");
        }
        return inner.ReplaceAsync(updated, cancellationToken);
    }

    public Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken) => inner.InsertAsync(call, cancellationToken);

    public Task<CallLog?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        inner.GetAsync(projectId, id, cancellationToken);

    public Task<CallLog?> FindByCallIdAsync(long projectId, string callId, CancellationToken cancellationToken) =>
        inner.FindByCallIdAsync(projectId, callId, cancellationToken);

    public Task<CallLog?> GetForWorkerAsync(long id, CancellationToken cancellationToken) => inner.GetForWorkerAsync(id, cancellationToken);

    public Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken) =>
        inner.DeleteAsync(projectId, id, cancellationToken);

    public Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);}
