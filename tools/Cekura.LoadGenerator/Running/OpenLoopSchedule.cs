namespace Cekura.LoadGenerator.Running;

/// <summary>
/// When each request of an open-loop phase is due: request i at i / rate seconds after the start, whatever happened
/// to the earlier ones. A generator that waited for answers would send less when the server slows down and hide the
/// latency the late requests would have seen (coordinated omission).
/// </summary>
public sealed class OpenLoopSchedule(double ratePerSecond, double durationSeconds)
{
    public double Rate { get; } = ratePerSecond > 0 ? ratePerSecond : throw new ArgumentOutOfRangeException(nameof(ratePerSecond));

    /// <summary>Requests in the phase.</summary>
    public long Count { get; } = (long)Math.Floor(ratePerSecond * durationSeconds);

    /// <summary>Seconds after the start when request <paramref name="index"/> (from 0) is due.</summary>
    public double DueAt(long index) => index / Rate;

    /// <summary>How many requests are due by <paramref name="elapsedSeconds"/> (capped at <see cref="Count"/>).</summary>
    public long DueBy(double elapsedSeconds) =>
        elapsedSeconds < 0 ? 0 : Math.Min(Count, (long)Math.Floor(elapsedSeconds * Rate) + 1);
}
