using Cekura.Contracts.Calls;
using Xunit.Abstractions;

namespace Cekura.Speech.Tests.VoiceActivity;

/// <summary>Pairs detected segments with true ones and measures how far their edges are apart.</summary>
internal static class SegmentMatch
{
    /// <summary>Edge errors in seconds (start and end of each true segment), or a failure naming what did not pair up.</summary>
    public static IReadOnlyList<double> EdgeErrors(IReadOnlyList<SpeakingSegment> truth, IReadOnlyList<SpeakingSegment> detected)
    {
        Assert.True(truth.Count == detected.Count,
            $"expected {truth.Count} segments, found {detected.Count}\n truth:    {Show(truth)}\n detected: {Show(detected)}");
        return truth.Zip(detected).SelectMany(p => new[] { p.Second.Start - p.First.Start, p.Second.End - p.First.End }).ToList();
    }

    public static void AssertWithin(IReadOnlyList<SpeakingSegment> truth, IReadOnlyList<SpeakingSegment> detected,
        double tolerance, ITestOutputHelper output, string label)
    {
        var errors = EdgeErrors(truth, detected);
        output.WriteLine($"{label}: {errors.Count} edges, mean |error| {errors.Average(Math.Abs) * 1000:0} ms, " +
            $"max {errors.Max(Math.Abs) * 1000:0} ms, mean signed {errors.Average() * 1000:0} ms");
        Assert.True(errors.All(e => Math.Abs(e) <= tolerance),
            $"{label}: an edge is more than {tolerance * 1000:0} ms off\n truth:    {Show(truth)}\n detected: {Show(detected)}");
    }

    public static string Show(IEnumerable<SpeakingSegment> segments) =>
        string.Join(" ", segments.Select(s => $"[{s.Start:0.000}-{s.End:0.000}]"));
}
