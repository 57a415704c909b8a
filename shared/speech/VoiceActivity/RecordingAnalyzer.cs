using Cekura.Contracts.Calls;
using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity.Energy;
using Cekura.Speech.Threading;
using Cekura.Speech.VoiceActivity.Silero;

namespace Cekura.Speech.VoiceActivity;

/// <summary>When each channel of a recording has speech, and whether its two channels are two different parties.</summary>
/// <param name="DurationSeconds">The decoded length (frames / 16 kHz), not the container's claim.</param>
/// <param name="Channels">Speaking segments per analysed channel (the first two channels at most), in channel order.</param>
/// <param name="Separable">True only for two channels that carry different parties; see <see cref="RecordingAnalyzer"/>.</param>
/// <param name="Detector"><c>silero</c> or <c>energy</c>.</param>
public sealed record ChannelActivity(
    double DurationSeconds,
    IReadOnlyList<IReadOnlyList<SpeakingSegment>> Channels,
    bool Separable,
    string Detector);

/// <summary>
/// Decodes a recording once to 16 kHz (its first two channels), runs one voice-activity stream per channel as the
/// PCM arrives, and returns the segments. Memory stays constant: only the current 32 ms window per channel is kept.
/// Safe to share: each call has its own streams; only the loaded model is shared. The decode and the detector run on
/// this analyzer's own threads at <see cref="VoiceActivityOptions.AnalysisNice"/> (see <see cref="LowPriorityScheduler"/>).
/// </summary>
/// <remarks>
/// <para>Separability rule (two channels only; mono is never separable):</para>
/// <list type="number">
/// <item>No speech on either channel: nothing to attribute, so not separable.</item>
/// <item>Duplicated mono: the energy of L−R is under 1 % of the energy of L+R over the whole file (the channels are
/// the same signal within 20 dB, as after a lossy codec), so not separable.</item>
/// <item>Mixed: of the windows where either channel has speech, half or more have speech on both channels at
/// levels within 6 dB of each other. Two parties on their own channels rarely talk at once, and when a party leaks
/// onto the other channel it is much quieter there, so this only happens when both channels hear both voices.</item>
/// <item>Otherwise separable.</item>
/// </list>
/// <para>Cross-talk: in stereo, while the other channel speaks (probability at or above the offset threshold within
/// the last 320 ms) and has been at least 6 dB louder over that time, a window counts as silence when it is
/// <see cref="VoiceActivityOptions.CrossTalkDb"/> quieter than the other channel (a faint copy of the other party)
/// or less than 10 dB above its own noise floor (the copy lost in noise, where Silero still hears speech). Speech of
/// its own over the other party, at its own level, is kept.</para>
/// </remarks>
public sealed class RecordingAnalyzer : IDisposable
{
    // Thresholds of the separability rule above.
    private const double DuplicateEnergyRatio = 0.01;
    private const double SimilarLevelDb = 6;
    private const double MixedShareOfSpeech = 0.5;
    private const double OwnSpeechAboveFloorDb = 10;

    private readonly Ffmpeg ffmpeg;
    private readonly VoiceActivityOptions options;
    private readonly IVoiceActivityDetector detector;
    private readonly SemaphoreSlim slots;
    private readonly LowPriorityScheduler scheduler;
    private long pausedTicks;

    /// <summary>Uses the detector the options name; Silero falls back to energy if its model cannot be loaded.</summary>
    /// <param name="foreground">The process's API requests, which the analyses make room for
    /// (<see cref="VoiceActivityOptions.AnalysisDutyCycle"/>); null for a process that serves none.</param>
    public RecordingAnalyzer(Ffmpeg ffmpeg, VoiceActivityOptions options, ForegroundActivity? foreground = null)
        : this(ffmpeg, options, CreateDetector(options, out var reason), foreground) => FallbackReason = reason;

    /// <summary>Uses the given detector (tests, benchmarks).</summary>
    public RecordingAnalyzer(Ffmpeg ffmpeg, VoiceActivityOptions options, IVoiceActivityDetector detector,
        ForegroundActivity? foreground = null)
    {
        options.EnsureValid();
        this.ffmpeg = ffmpeg;
        this.options = options;
        this.detector = detector;
        Foreground = foreground ?? new ForegroundActivity();
        ConcurrentAnalyses = options.ConcurrentAnalyses;
        slots = new SemaphoreSlim(ConcurrentAnalyses);
        scheduler = new LowPriorityScheduler(ConcurrentAnalyses, options.AnalysisNice, "recording analysis", options.AnalysisIdle);
    }

    /// <summary>Recordings analysed at once (<see cref="VoiceActivityOptions.ConcurrentAnalyses"/> when this was built).</summary>
    public int ConcurrentAnalyses { get; }

    /// <summary>The requests this analyzer makes room for.</summary>
    public ForegroundActivity Foreground { get; }

    /// <summary>Time all analyses have paused for the foreground so far (<see cref="VoiceActivityOptions.AnalysisDutyCycle"/>).</summary>
    public TimeSpan Paused => TimeSpan.FromTicks(Interlocked.Read(ref pausedTicks));

    /// <summary>Why the analyses run at the process's priority after all (see <see cref="LowPriorityScheduler.PriorityProblem"/>).</summary>
    public string? PriorityProblem => scheduler.PriorityProblem;

    /// <summary>Why Silero was configured but energy is used; null when the configured detector runs.</summary>
    public string? FallbackReason { get; }

    /// <summary>The detector's name, as it will appear in <see cref="ChannelActivity.Detector"/>.</summary>
    public string Detector => detector.Name;

    /// <exception cref="AudioDecodeException">ffmpeg could not decode the file.</exception>
    public async Task<ChannelActivity> AnalyzeAsync(string path, AudioProbe probe, CancellationToken cancellationToken)
    {
        var channels = Math.Clamp(probe.Channels, 1, 2);
        // One analysis per core at most (VoiceActivityOptions.MaxConcurrentAnalyses): the others wait here, without
        // holding a thread, instead of sharing the cores with it and with the requests.
        await slots.WaitAsync(cancellationToken);
        try
        {
            return await scheduler.RunAsync(async () =>
            {
                using var analysis = new Analysis(channels, detector, options);
                var pacer = new DutyCyclePacer(options.AnalysisDutyCycle, Foreground);
                try
                {
                    var frames = await ffmpeg.DecodeAsync(path, VoiceActivityWindow.SampleRate, channels, block =>
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        analysis.Add(block);
                        pacer.Pace();
                    }, cancellationToken);
                    var duration = (double)frames / VoiceActivityWindow.SampleRate;
                    return new ChannelActivity(duration, analysis.Finish(duration), analysis.Separable, detector.Name);
                }
                finally
                {
                    Interlocked.Add(ref pausedTicks, pacer.Paused.Ticks);
                }
            }, cancellationToken);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Analyses running now (at most <see cref="ConcurrentAnalyses"/>).</summary>
    public int Running => ConcurrentAnalyses - slots.CurrentCount;

    public void Dispose()
    {
        scheduler.Dispose();
        (detector as IDisposable)?.Dispose();
        slots.Dispose();
    }

    private static IVoiceActivityDetector CreateDetector(VoiceActivityOptions options, out string? fallbackReason)
    {
        // Before loading anything, so invalid options never leave a loaded model behind.
        options.EnsureValid();
        fallbackReason = null;
        if (options.Detector == VoiceActivityDetectorKind.Energy)
        {
            return new EnergyVoiceActivityDetector();
        }
        try
        {
            return SileroVoiceActivityDetector.Load(options.ModelPath, options.SilenceGateDb);
        }
        catch (InvalidOperationException e)
        {
            fallbackReason = e.Message;
            return new EnergyVoiceActivityDetector();
        }
    }

    /// <summary>One recording's running state: per channel a window buffer, a detector stream and a segmenter.</summary>
    private sealed class Analysis : IDisposable
    {
        private readonly Channel[] channels;
        private readonly double crossTalkDb;
        private readonly double onset;
        private readonly double offset;
        private int filled;
        private long window;
        private double differenceEnergy;
        private double sumEnergy;
        private long speechWindows;
        private long sharedWindows;

        public Analysis(int channelCount, IVoiceActivityDetector detector, VoiceActivityOptions options)
        {
            crossTalkDb = options.CrossTalkDb;
            onset = options.OnsetThreshold;
            offset = options.OffsetThreshold;
            channels = Enumerable.Range(0, channelCount).Select(_ => new Channel(detector.CreateStream(), new SpeechSegmenter(options))).ToArray();
        }

        public bool Separable => channels.Length == 2
            && speechWindows > 0
            && differenceEnergy >= DuplicateEnergyRatio * sumEnergy
            && sharedWindows < MixedShareOfSpeech * speechWindows;

        public void Add(ReadOnlySpan<float> interleaved)
        {
            var count = channels.Length;
            var frames = interleaved.Length / count;
            for (var frame = 0; frame < frames; frame++)
            {
                for (var c = 0; c < count; c++)
                {
                    channels[c].Samples[filled] = interleaved[frame * count + c];
                }
                if (count == 2)
                {
                    var (left, right) = (interleaved[2 * frame], interleaved[2 * frame + 1]);
                    differenceEnergy += (left - right) * (left - right);
                    sumEnergy += (left + right) * (left + right);
                }
                if (++filled == VoiceActivityWindow.Samples)
                {
                    ProcessWindow();
                }
            }
        }

        public IReadOnlyList<IReadOnlyList<SpeakingSegment>> Finish(double durationSeconds)
        {
            if (filled > 0)
            {
                // The last partial window, padded with silence; segment ends are clipped to the duration.
                foreach (var channel in channels)
                {
                    Array.Clear(channel.Samples, filled, channel.Samples.Length - filled);
                }
                ProcessWindow();
            }
            return channels.Select(c => c.Segmenter.Finish(durationSeconds)).ToList();
        }

        public void Dispose()
        {
            foreach (var channel in channels)
            {
                channel.Stream.Dispose();
            }
        }

        private void ProcessWindow()
        {
            filled = 0;
            foreach (var channel in channels)
            {
                channel.Measure(window, offset);
            }
            if (channels.Length == 2)
            {
                var (left, right) = (channels[0], channels[1]);
                if (left.Probability >= onset || right.Probability >= onset)
                {
                    speechWindows++;
                    if (left.Probability >= onset && right.Probability >= onset && Math.Abs(left.Level - right.Level) < SimilarLevelDb)
                    {
                        sharedWindows++;
                    }
                }
                if (crossTalkDb > 0)
                {
                    var (leftIsCrossTalk, rightIsCrossTalk) = (IsCrossTalk(left, right), IsCrossTalk(right, left));
                    left.Probability = leftIsCrossTalk ? 0 : left.Probability;
                    right.Probability = rightIsCrossTalk ? 0 : right.Probability;
                }
            }
            for (var c = 0; c < channels.Length; c++)
            {
                var other = channels.Length == 2 ? channels[1 - c].Samples : [];
                channels[c].Segmenter.Push(channels[c].Probability, channels[c].Samples, other);
            }
            window++;
        }

        // Only when the other channel has spoken within the last few windows and has recently been clearly the
        // louder one, so channels at similar levels (a mix, duplicated mono) keep what the detector said on each.
        // "Recently" matters: Silero's probability on the faint copy lags the loud original by up to ~200 ms.
        private bool IsCrossTalk(Channel channel, Channel other) =>
            window - other.LastActiveWindow <= Channel.RecentWindows
            && other.RecentPeak >= channel.RecentPeak + SimilarLevelDb
            && (channel.Level < other.Level - crossTalkDb || channel.Level < channel.Floor.Db + OwnSpeechAboveFloorDb);
    }

    private sealed class Channel(IVoiceActivityStream stream, SpeechSegmenter segmenter)
    {
        /// <summary>How far back "recently" reaches: 10 windows, 320 ms.</summary>
        public const int RecentWindows = 10;

        private readonly double[] recentLevels = new double[RecentWindows];

        public IVoiceActivityStream Stream { get; } = stream;
        public SpeechSegmenter Segmenter { get; } = segmenter;
        public NoiseFloor Floor { get; } = new();
        public float[] Samples { get; } = new float[VoiceActivityWindow.Samples];
        public float Probability { get; set; }
        public double Level { get; private set; }
        public double RecentPeak { get; private set; }
        public long LastActiveWindow { get; private set; } = long.MinValue / 2;

        public void Measure(long window, double activeThreshold)
        {
            Probability = Stream.Process(Samples);
            Level = NoiseFloor.Decibels(Samples);
            Floor.Update(Level);
            recentLevels[window % RecentWindows] = Level;
            RecentPeak = recentLevels.Max();
            if (Probability >= activeThreshold)
            {
                LastActiveWindow = window;
            }
        }
    }
}
