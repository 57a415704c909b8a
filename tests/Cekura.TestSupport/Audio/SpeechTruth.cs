using Cekura.Contracts.Calls;

namespace Cekura.TestSupport.Audio;

/// <summary>
/// Where a clean, single-speaker signal has speech, from its samples alone: 10 ms frames whose RMS reaches -40 dBFS,
/// with gaps shorter than a merge gap joined (a comma's pause is part of the turn). espeak-ng writes exact digital
/// silence between words and around a clip, so the threshold only has to separate speech from nothing.
/// </summary>
public static class SpeechTruth
{
    public const double FrameSeconds = 0.010;
    public const double ThresholdRms = 0.01;

    public static IReadOnlyList<SpeakingSegment> Measure(ReadOnlySpan<float> samples, int sampleRate, double mergeGapSeconds)
    {
        var frame = (int)(sampleRate * FrameSeconds);
        var runs = new List<SpeakingSegment>();
        double? start = null;
        var frames = samples.Length / frame;
        for (var f = 0; f <= frames; f++)
        {
            var active = false;
            if (f < frames)
            {
                double sum = 0;
                foreach (var sample in samples.Slice(f * frame, frame))
                {
                    sum += sample * sample;
                }
                active = Math.Sqrt(sum / frame) >= ThresholdRms;
            }
            if (active && start is null)
            {
                start = f * FrameSeconds;
            }
            else if (!active && start is { } s)
            {
                runs.Add(new SpeakingSegment(s, f * FrameSeconds));
                start = null;
            }
        }
        return Merge(runs, mergeGapSeconds);
    }

    /// <summary>Joins segments (sorted by start) whose gap is shorter than <paramref name="mergeGapSeconds"/>.</summary>
    public static IReadOnlyList<SpeakingSegment> Merge(IEnumerable<SpeakingSegment> sorted, double mergeGapSeconds)
    {
        var merged = new List<SpeakingSegment>();
        foreach (var segment in sorted)
        {
            if (merged.Count > 0 && segment.Start - merged[^1].End < mergeGapSeconds)
            {
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, segment.End) };
            }
            else
            {
                merged.Add(segment);
            }
        }
        return merged;
    }
}
