using Cekura.Contracts.Calls;
using Cekura.Speech.VoiceActivity;

namespace Cekura.Speech.Tests.VoiceActivity;

public sealed class SpeechSegmenterTests
{
    private const double Window = VoiceActivityWindow.Seconds;
    private readonly float[] silent = new float[VoiceActivityWindow.Samples];
    private readonly float[] loud = Tone(0, VoiceActivityWindow.Samples);

    [Fact]
    public void A_pause_shorter_than_the_minimum_silence_stays_inside_the_segment()
    {
        var segments = Run(new VoiceActivityOptions(), Speech(20), Quiet(12), Speech(20));

        Assert.Equal([new SpeakingSegment(0, 52 * Window)], segments, Near);
    }

    [Fact]
    public void A_pause_longer_than_the_minimum_silence_splits_the_segment()
    {
        var segments = Run(new VoiceActivityOptions(), Speech(20), Quiet(17), Speech(20), Quiet(5));

        Assert.Equal([new SpeakingSegment(0, 20 * Window), new SpeakingSegment(37 * Window, 57 * Window)], segments, Near);
    }

    [Fact]
    public void A_probability_between_the_thresholds_continues_a_segment_but_never_starts_one()
    {
        var between = Enumerable.Repeat((0.4, loud), 10).ToArray();

        Assert.Empty(Run(new VoiceActivityOptions(), between, Quiet(5)));
        Assert.Equal([new SpeakingSegment(0, 20 * Window)], Run(new VoiceActivityOptions(), Speech(10), between, Quiet(5)), Near);
    }

    [Fact]
    public void A_burst_shorter_than_the_minimum_speech_is_dropped()
    {
        Assert.Empty(Run(new VoiceActivityOptions { MinSpeechMs = 100 }, Quiet(5), Speech(2), Quiet(20)));
    }

    [Fact]
    public void A_detector_tail_over_silence_is_trimmed_to_the_last_loud_block()
    {
        // The probability stays high for 5 windows (160 ms) after the audio stops, as Silero's does.
        var tail = Enumerable.Repeat((0.9, silent), 5).ToArray();

        var segments = Run(new VoiceActivityOptions(), Quiet(3), Speech(15), tail, Quiet(10));

        Assert.Equal([new SpeakingSegment(3 * Window, 18 * Window)], segments, Near);
    }

    [Fact]
    public void A_start_inside_the_onset_window_is_placed_at_its_first_loud_block()
    {
        var halfLoud = new float[VoiceActivityWindow.Samples];
        Tone(0, 256).CopyTo(halfLoud, 256);

        var segments = Run(new VoiceActivityOptions(), Quiet(3), [(0.9, halfLoud)], Speech(10), Quiet(10));

        Assert.Equal([new SpeakingSegment(3.5 * Window, 14 * Window)], segments, Near);
    }

    [Fact]
    public void A_late_detector_onset_walks_back_over_the_loud_audio_before_it()
    {
        // Audio starts 3 windows (96 ms) before the probability rises.
        var early = Enumerable.Repeat((0.1, loud), 3).ToArray();

        var segments = Run(new VoiceActivityOptions(), Quiet(5), early, Speech(10), Quiet(10));

        Assert.Equal([new SpeakingSegment(5 * Window, 18 * Window)], segments, Near);
    }

    private (double, float[])[] Speech(int windows) => Enumerable.Repeat((0.9, loud), windows).ToArray();

    private (double, float[])[] Quiet(int windows) => Enumerable.Repeat((0.05, silent), windows).ToArray();

    private static IReadOnlyList<SpeakingSegment> Run(VoiceActivityOptions options, params (double Probability, float[] Samples)[][] parts)
    {
        var segmenter = new SpeechSegmenter(options);
        var windows = parts.SelectMany(p => p).ToList();
        foreach (var (probability, samples) in windows)
        {
            segmenter.Push(probability, samples);
        }
        return segmenter.Finish(windows.Count * Window);
    }

    private static float[] Tone(int start, int length) =>
        Enumerable.Range(start, length).Select(i => 0.3f * MathF.Sin(2 * MathF.PI * 220 * i / VoiceActivityWindow.SampleRate)).ToArray();

    private static readonly IEqualityComparer<SpeakingSegment> Near = EqualityComparer<SpeakingSegment>.Create(
        (a, b) => a is not null && b is not null && Math.Abs(a.Start - b.Start) < 1e-9 && Math.Abs(a.End - b.End) < 1e-9);
}
