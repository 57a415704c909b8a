using Cekura.Hosting.Options;

namespace Cekura.Hosting.Tests.Bus;

public sealed class RedeliveryOptionsTests
{
    [Fact]
    public void Delays_double_from_the_minimum_up_to_the_maximum()
    {
        var options = new RedeliveryOptions { MinIntervalSeconds = 15, MaxIntervalSeconds = 120 };

        Assert.Equal([15, 30, 60, 120, 120], Enumerable.Range(0, 5).Select(n => options.Delay(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(120), options.Delay(int.MaxValue));
    }

    [Fact]
    public void The_default_schedule_outlasts_a_ten_minute_outage()
    {
        var options = new RedeliveryOptions();

        var lastRedelivery = Enumerable.Range(0, options.Limit).Sum(n => options.Delay(n).TotalSeconds);

        Assert.True(lastRedelivery >= 600, $"the last redelivery comes {lastRedelivery} s after the first failure");
        Assert.Equal(945, lastRedelivery);
    }
}
