using Cekura.Contracts.Calls;

namespace Cekura.Speech.VoiceActivity;

/// <summary>
/// Turns one channel's per-window speech probabilities into segments, with hysteresis: a segment opens at the first
/// window at or above the onset threshold and stays open while windows stay at or above the (lower) offset threshold.
/// After a window below the offset, the segment closes only when the quiet has lasted the minimum silence; speech at
/// the onset threshold before then continues the same segment, so pauses at commas do not split a turn. Edges are
/// the first and last speech windows themselves, with no padding; segments shorter than the minimum speech are dropped.
/// </summary>
public sealed class SpeechSegmenter
{
    private readonly double onset;
    private readonly double offset;
    private readonly long minSpeechWindows;
    private readonly long minSilenceWindows;
    private readonly List<SpeakingSegment> segments = [];

    private long window;
    private bool inSpeech;
    private bool quiet;
    private long start;
    private long end;

    public SpeechSegmenter(VoiceActivityOptions options)
    {
        onset = options.OnsetThreshold;
        offset = options.OffsetThreshold;
        minSpeechWindows = (long)Math.Ceiling(options.MinSpeechMs / 1000.0 / VoiceActivityWindow.Seconds);
        minSilenceWindows = (long)Math.Ceiling(options.MinSilenceMs / 1000.0 / VoiceActivityWindow.Seconds);
    }

    /// <summary>Takes the next window's probability.</summary>
    public void Push(double probability)
    {
        var index = window++;
        if (!inSpeech)
        {
            if (probability >= onset)
            {
                (inSpeech, quiet, start, end) = (true, false, index, index + 1);
            }
            return;
        }
        if (probability >= (quiet ? onset : offset))
        {
            (quiet, end) = (false, index + 1);
            return;
        }
        quiet = true;
        if (index + 1 - end >= minSilenceWindows)
        {
            Close();
        }
    }

    /// <summary>Closes an open segment and returns all segments, ends clipped to <paramref name="durationSeconds"/>.</summary>
    public IReadOnlyList<SpeakingSegment> Finish(double durationSeconds)
    {
        if (inSpeech)
        {
            Close();
        }
        return segments
            .Select(s => s with { End = Math.Min(s.End, durationSeconds) })
            .Where(s => s.End > s.Start)
            .ToList();
    }

    private void Close()
    {
        inSpeech = false;
        if (end - start >= Math.Max(1, minSpeechWindows))
        {
            segments.Add(new SpeakingSegment(start * VoiceActivityWindow.Seconds, end * VoiceActivityWindow.Seconds));
        }
    }
}
