namespace Cekura.Speech.Threading;

/// <summary>
/// Lets one long CPU-bound task (a recording's decode and voice activity) work at most a share of the wall time while
/// <see cref="ForegroundActivity"/> is active, pausing the rest; when the process serves no request it never pauses.
/// The task calls <see cref="Pace"/> between small pieces of work (blocks of decoded audio).
/// </summary>
/// <remarks>
/// Why: a lower CPU priority (<see cref="LowPriorityScheduler"/>) still lets an analysis run whenever a core is free
/// for an instant, and with the embedded host's two cores that kept both busy at half the maximum rate, so a request
/// that arrived waited for a core (POST p99 54–98 ms with Silero, 22–32 ms with the nearly free energy detector at
/// the same 185 calls/s). An analysis that sleeps leaves a core idle for the next request to start on at once.
/// Work is measured on the wall clock, which also counts the time the analysis was preempted: that only makes it
/// yield more, never less.
/// </remarks>
public sealed class DutyCyclePacer
{
    /// <summary>Work between two checks: long enough that the pauses cost nothing measurable, short enough that a
    /// request never waits behind more than this much of an analysis.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(20);

    private readonly double share;
    private readonly ForegroundActivity foreground;
    private readonly TimeProvider time;
    private readonly Action<TimeSpan> sleep;
    private long sliceStart;

    /// <param name="share">Share of the wall time to work while the foreground is active, in (0, 1]; 1 never pauses.</param>
    /// <param name="sleep">How to pause (tests observe it); <see cref="Thread.Sleep(TimeSpan)"/> by default, which is
    /// right on the analyses' own threads.</param>
    public DutyCyclePacer(double share, ForegroundActivity foreground, TimeProvider? time = null, Action<TimeSpan>? sleep = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(share);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1);
        this.share = share;
        this.foreground = foreground;
        this.time = time ?? TimeProvider.System;
        this.sleep = sleep ?? Thread.Sleep;
        sliceStart = this.time.GetTimestamp();
    }

    /// <summary>Time this pacer has paused so far.</summary>
    public TimeSpan Paused { get; private set; }

    /// <summary>After a slice of work, pauses for the rest of the cycle if the foreground is active.</summary>
    public void Pace()
    {
        var worked = time.GetElapsedTime(sliceStart);
        if (worked < Slice)
        {
            return;
        }
        if (share < 1 && foreground.IsActive)
        {
            var pause = worked * ((1 - share) / share);
            sleep(pause);
            Paused += pause;
        }
        sliceStart = time.GetTimestamp();
    }
}
