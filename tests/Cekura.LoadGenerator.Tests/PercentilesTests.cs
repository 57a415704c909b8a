using Cekura.LoadGenerator.Measuring;

namespace Cekura.LoadGenerator.Tests;

public sealed class PercentilesTests
{
    [Fact]
    public void Nearest_rank_of_one_to_a_hundred_is_the_percent_itself()
    {
        var shuffled = Enumerable.Range(1, 100).Select(i => (double)i).OrderBy(i => (i * 37) % 101).ToList();
        var p = new Percentiles(shuffled);
        Assert.Equal(50, p.At(50));
        Assert.Equal(90, p.At(90));
        Assert.Equal(99, p.At(99));
        Assert.Equal(100, p.At(100));
        Assert.Equal(1, p.At(0));
        Assert.Equal(100, p.Max);
    }

    [Fact]
    public void A_rare_slow_request_shows_in_p99_but_not_p90()
    {
        var values = Enumerable.Repeat(10.0, 995).Concat(Enumerable.Repeat(2000.0, 5)).ToList();
        var p = new Percentiles(values);
        Assert.Equal(10, p.At(90));
        Assert.Equal(10, p.At(99));      // 0.5 % slow: under the 99th percentile
        Assert.Equal(2000, p.At(99.9));
        Assert.Equal(2000, new Percentiles(values.Concat(Enumerable.Repeat(2000.0, 10))).At(99));
    }

    [Fact]
    public void Empty_sample_has_no_percentiles_and_bad_percent_is_refused()
    {
        Assert.True(double.IsNaN(new Percentiles([]).At(50)));
        Assert.Equal(7, new Percentiles([7]).At(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Percentiles([1]).At(101));
    }
}
