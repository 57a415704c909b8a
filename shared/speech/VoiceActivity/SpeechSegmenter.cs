using Cekura.Contracts.Calls;

namespace Cekura.Speech.VoiceActivity;

/// <summary>
/// Turns one channel's per-window speech probabilities into segments.
/// <para>Hysteresis: a run of speech opens at the first window at or above the onset threshold and stays open while
/// windows stay at or above the (lower) offset threshold; after a window below the offset, a window must reach the
/// onset again within a short hangover (64 ms) to continue the run.</para>
/// <para>Edges: a detector's probability lags the audio (Silero stays high for 60-200 ms after the last syllable,
/// longer in noise, and sometimes rises a window late). Rather than pad, each edge is moved to where the signal
/// itself starts or stops standing above the channel's noise floor, measured in 8 ms blocks: the start walks back
/// over loud blocks just before the onset window (at most 160 ms), the end moves back to the last loud block of
/// the run (at most 320 ms). Without loud blocks near an edge, the window edge stays.</para>
/// <para>Pauses: runs whose refined gap is shorter than the minimum silence are joined, so a comma or the pause
/// between two sentences of one turn does not split it; the gap is measured on the refined edges, so it means the
/// same for every detector whatever its lag. Joined segments shorter than the minimum speech are dropped.</para>
/// </summary>
public sealed class SpeechSegmenter
{
    private const int BlockSamples = 128;
    private const int BlocksPerWindow = VoiceActivityWindow.Samples / BlockSamples;
    private const double BlockSeconds = (double)BlockSamples / VoiceActivityWindow.SampleRate;

    // A block is "loud" this far above the noise floor, and never below the absolute level.
    private const double EdgeMarginDb = 6;
    private const double EdgeAbsoluteDb = -50;
    private const int StartLookbackBlocks = 20;
    private const int EndTrimBlocks = 40;
    private const int HangoverWindows = 2;

    private readonly double onset;
    private readonly double offset;
    private readonly double crossTalkDb;
    private readonly double minSpeechSeconds;
    private readonly double minSilenceSeconds;
    private readonly List<SpeakingSegment> segments = [];
    private readonly double[] recentBlocks = new double[StartLookbackBlocks + BlocksPerWindow];
    private readonly double[] blocks = new double[BlocksPerWindow];

    private long window;
    private readonly NoiseFloor floor = new();
    private bool inSpeech;
    private bool quiet;
    private long end;
    private long startBlock;
    private long lastLoudBlock;
    private long previousEndBlock;

    public SpeechSegmenter(VoiceActivityOptions options)
    {
        onset = options.OnsetThreshold;
        offset = options.OffsetThreshold;
        crossTalkDb = options.CrossTalkDb;
        minSpeechSeconds = options.MinSpeechMs / 1000.0;
        minSilenceSeconds = options.MinSilenceMs / 1000.0;
    }

    /// <summary>Takes the next window's speech probability and its samples (for the edges).</summary>
    public void Push(double probability, ReadOnlySpan<float> samples) => Push(probability, samples, []);

    /// <summary>
    /// Same, in stereo: <paramref name="otherChannel"/> is the same window of the other channel. A block more than
    /// <see cref="VoiceActivityOptions.CrossTalkDb"/> below the other channel's block is the other party leaking
    /// through, so it never places an edge.
    /// </summary>
    public void Push(double probability, ReadOnlySpan<float> samples, ReadOnlySpan<float> otherChannel)
    {
        if (samples.Length != VoiceActivityWindow.Samples)
        {
            throw new ArgumentException($"a window is {VoiceActivityWindow.Samples} samples, not {samples.Length}", nameof(samples));
        }
        var index = window++;
        var windowEnergy = 0.0;
        for (var b = 0; b < BlocksPerWindow; b++)
        {
            var energy = 0.0;
            foreach (var sample in samples.Slice(b * BlockSamples, BlockSamples))
            {
                energy += sample * sample;
            }
            windowEnergy += energy;
            blocks[b] = NoiseFloor.Decibels(energy / BlockSamples);
            if (crossTalkDb > 0 && otherChannel.Length == samples.Length
                && blocks[b] < NoiseFloor.Decibels(otherChannel.Slice(b * BlockSamples, BlockSamples)) - crossTalkDb)
            {
                blocks[b] = double.NegativeInfinity;
            }
        }
        var floorDb = floor.Update(NoiseFloor.Decibels(windowEnergy / VoiceActivityWindow.Samples));
        for (var b = 0; b < BlocksPerWindow; b++)
        {
            recentBlocks[(index * BlocksPerWindow + b) % recentBlocks.Length] = blocks[b];
        }
        var loud = Math.Max(floorDb + EdgeMarginDb, EdgeAbsoluteDb);

        if (!inSpeech)
        {
            if (probability >= onset)
            {
                (inSpeech, quiet, end) = (true, false, index + 1);
                startBlock = RefinedStart(index, loud);
                lastLoudBlock = -1;
                NoteLoudBlocks(index, loud);
            }
            return;
        }
        if (probability >= (quiet ? onset : offset))
        {
            (quiet, end) = (false, index + 1);
            NoteLoudBlocks(index, loud);
            return;
        }
        quiet = true;
        if (index + 1 - end >= HangoverWindows)
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
            .Where(s => s.End - s.Start >= Math.Max(minSpeechSeconds, 1e-9))
            .ToList();
    }

    // The first loud block of the onset window, then back over the loud blocks right before it.
    private long RefinedStart(long onsetWindow, double loud)
    {
        var first = onsetWindow * BlocksPerWindow;
        var candidate = first;
        for (var b = 0; b < BlocksPerWindow; b++)
        {
            if (blocks[b] >= loud)
            {
                candidate = first + b;
                break;
            }
        }
        var earliest = Math.Max(Math.Max(0, first - StartLookbackBlocks), previousEndBlock);
        while (candidate > earliest && recentBlocks[(candidate - 1) % recentBlocks.Length] >= loud)
        {
            candidate--;
        }
        return candidate;
    }

    private void NoteLoudBlocks(long speechWindow, double loud)
    {
        for (var b = BlocksPerWindow - 1; b >= 0; b--)
        {
            if (blocks[b] >= loud)
            {
                lastLoudBlock = speechWindow * BlocksPerWindow + b;
                return;
            }
        }
    }

    private void Close()
    {
        inSpeech = false;
        var endBlock = end * BlocksPerWindow;
        if (lastLoudBlock >= 0)
        {
            endBlock = Math.Max(Math.Min(lastLoudBlock + 1, endBlock), endBlock - EndTrimBlocks);
        }
        if (endBlock <= startBlock)
        {
            return;
        }
        previousEndBlock = endBlock;
        var segment = new SpeakingSegment(startBlock * BlockSeconds, endBlock * BlockSeconds);
        if (segments.Count > 0 && segment.Start - segments[^1].End < minSilenceSeconds)
        {
            segments[^1] = segments[^1] with { End = segment.End };
        }
        else
        {
            segments.Add(segment);
        }
    }
}
