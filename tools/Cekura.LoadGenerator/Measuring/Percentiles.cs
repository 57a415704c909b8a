namespace Cekura.LoadGenerator.Measuring;

/// <summary>Percentiles of a complete sample (every request is kept, so nothing is estimated).</summary>
public sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<double> values)
    {
        _sorted = values.ToArray();
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    /// <summary>Nearest rank: the smallest value with at least <paramref name="percent"/> % of the sample at or below it; NaN when empty.</summary>
    public double At(double percent)
    {
        if (percent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent));
        if (_sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percent / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];
}
