namespace Cekura.Speech.Threading;

/// <summary>
/// Whether this process is answering API requests now or was a moment ago: the foreground that background analyses
/// make room for (<see cref="DutyCyclePacer"/>). One instance per process (a singleton); ingest's endpoints mark each
/// request, and in a process without them it is never active.
/// </summary>
public sealed class ForegroundActivity(TimeProvider? time = null)
{
    /// <summary>How long after the last request ends the process still counts as serving: at a steady rate, requests
    /// a few milliseconds apart are one busy period, not many short ones.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider time = time ?? TimeProvider.System;
    private int inFlight;
    private long lastEnded;
    private long served;

    /// <summary>Marks one request until the scope is disposed.</summary>
    public Scope Begin()
    {
        Interlocked.Increment(ref inFlight);
        return new Scope(this);
    }

    /// <summary>A request is in flight, or one ended less than <see cref="Linger"/> ago.</summary>
    public bool IsActive
    {
        get
        {
            if (Volatile.Read(ref inFlight) > 0)
            {
                return true;
            }
            var ended = Volatile.Read(ref lastEnded);
            return ended != 0 && time.GetElapsedTime(ended) < Linger;
        }
    }

    /// <summary>Requests that ended since the start (for tests and diagnostics).</summary>
    public long Served => Interlocked.Read(ref served);

    private void End()
    {
        // The end time first: between the two writes the request still counts as in flight, so IsActive never reads
        // a gap.
        Volatile.Write(ref lastEnded, time.GetTimestamp());
        Interlocked.Increment(ref served);
        Interlocked.Decrement(ref inFlight);
    }

    public readonly struct Scope(ForegroundActivity owner) : IDisposable
    {
        public void Dispose() => owner?.End();
    }
}
