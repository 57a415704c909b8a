using Cekura.Speech.Threading;

namespace Cekura.Speech.Tests.Threading;

public sealed class DutyCyclePacerTests
{
    [Fact]
    public void While_a_request_is_in_flight_a_slice_of_work_is_followed_by_the_rest_of_the_cycle()
    {
        var clock = new ManualClock();
        var foreground = new ForegroundActivity(clock);
        var pauses = new List<TimeSpan>();
        var pacer = new DutyCyclePacer(0.5, foreground, clock, pauses.Add);
        using var request = foreground.Begin();

        clock.Advance(TimeSpan.FromMilliseconds(15));
        pacer.Pace(); // under a slice: no pause yet
        clock.Advance(TimeSpan.FromMilliseconds(15));
        pacer.Pace(); // 30 ms of work at half the time: 30 ms of pause
        clock.Advance(TimeSpan.FromMilliseconds(40));
        pacer.Pace();

        Assert.Equal([TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(40)], pauses);
        Assert.Equal(TimeSpan.FromMilliseconds(70), pacer.Paused);
    }

    [Theory]
    [InlineData(0.25, 60)] // a quarter of the time: three times the work as pause
    [InlineData(1.0, 0)]   // 1 never pauses
    public void The_pause_follows_the_share(double share, int expectedMs)
    {
        var clock = new ManualClock();
        var foreground = new ForegroundActivity(clock);
        var pacer = new DutyCyclePacer(share, foreground, clock, _ => { });
        using var request = foreground.Begin();

        clock.Advance(TimeSpan.FromMilliseconds(20));
        pacer.Pace();

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), pacer.Paused);
    }

    [Fact]
    public void A_process_that_serves_no_request_never_pauses_and_one_that_stopped_serving_resumes_after_the_linger()
    {
        var clock = new ManualClock();
        var foreground = new ForegroundActivity(clock);
        var pacer = new DutyCyclePacer(0.5, foreground, clock, _ => { });

        clock.Advance(TimeSpan.FromMilliseconds(100));
        pacer.Pace();
        Assert.Equal(TimeSpan.Zero, pacer.Paused);

        foreground.Begin().Dispose();
        Assert.Equal(1, foreground.Served);
        clock.Advance(ForegroundActivity.Linger - TimeSpan.FromMilliseconds(1));
        Assert.True(foreground.IsActive); // just answered: the next request is likely close behind
        pacer.Pace();
        Assert.Equal(ForegroundActivity.Linger - TimeSpan.FromMilliseconds(1), pacer.Paused);

        clock.Advance(TimeSpan.FromMilliseconds(30));
        Assert.False(foreground.IsActive);
        pacer.Pace();
        Assert.Equal(ForegroundActivity.Linger - TimeSpan.FromMilliseconds(1), pacer.Paused);
    }

    [Fact]
    public void Requests_that_overlap_keep_the_foreground_active_until_the_last_one_ends()
    {
        var clock = new ManualClock();
        var foreground = new ForegroundActivity(clock);
        var first = foreground.Begin();
        var second = foreground.Begin();
        first.Dispose();
        clock.Advance(ForegroundActivity.Linger * 2);

        Assert.True(foreground.IsActive);
        second.Dispose();
        Assert.True(foreground.IsActive);
        clock.Advance(ForegroundActivity.Linger);
        Assert.False(foreground.IsActive);
        Assert.Equal(2, foreground.Served);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void A_share_outside_zero_to_one_is_refused(double share) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DutyCyclePacer(share, new ForegroundActivity()));

    /// <summary>A clock that moves only when told, in Stopwatch ticks.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
