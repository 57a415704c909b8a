using Cekura.Contracts.Calls;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// The calls this process wrote or read last, by id, each at the version it had then. A call moves through the chain
/// within seconds, and each stage reads the version the one before it wrote: when the stored row still has that
/// version, the object kept here is what parsing its document would give, and parsing it again (a tenth of the host's
/// CPU under load) is skipped. The version decides, so a write by another process or store instance is never hidden:
/// its row has a newer version, and the read parses it.
/// </summary>
/// <remarks>
/// Bounded by two generations of <c>capacity / 2</c> entries: when the current one fills, it becomes the previous one
/// and the previous one is dropped, so the calls still moving through the chain stay and the memory held is flat.
/// Calls are immutable records, so a kept one can be handed to several readers.
/// </remarks>
public sealed class RecentCalls(int capacity)
{
    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private readonly Lock _lock = new();
    private Dictionary<long, CallLog> _current = [];
    private Dictionary<long, CallLog> _previous = [];

    /// <summary>The kept call with this id, whatever its version (the caller compares it with the row's).</summary>
    public CallLog? Find(long id)
    {
        lock (_lock)
        {
            return _current.TryGetValue(id, out var call) || _previous.TryGetValue(id, out call) ? call : null;
        }
    }

    /// <summary>Keeps <paramref name="call"/> unless a newer version of it is kept already.</summary>
    public void Keep(CallLog call)
    {
        lock (_lock)
        {
            if ((_current.TryGetValue(call.Id, out var kept) || _previous.TryGetValue(call.Id, out kept)) && kept.Version > call.Version)
            {
                return;
            }
            if (_current.Count >= _generationSize && !_current.ContainsKey(call.Id))
            {
                _previous = _current;
                _current = new Dictionary<long, CallLog>(_generationSize);
            }
            _previous.Remove(call.Id);
            _current[call.Id] = call;
        }
    }

    public void Forget(long id)
    {
        lock (_lock)
        {
            _current.Remove(id);
            _previous.Remove(id);
        }
    }
}
