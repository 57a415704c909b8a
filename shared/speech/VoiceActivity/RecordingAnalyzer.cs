using Cekura.Contracts.Calls;
using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity.Energy;
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
/// Safe to share: each call has its own streams; only the loaded model is shared.
/// </summary>
/// <remarks>
/// <para>Separability rule (two channels only; mono is never separable):</para>
/// <list type="number">
/// <item>Duplicated mono: the energy of L−R is under 1 % of the energy of L+R over the whole file (the channels are
/// the same signal within 20 dB, as after a lossy codec), so not separable.</item>
/// <item>Mixed: of the windows where either channel has speech, half or more have speech on both channels at
/// levels within 6 dB of each other. Two parties on their own channels rarely talk at once, and when a party leaks
/// onto the other channel it is much quieter there, so this only happens when both channels hear both voices.</item>
/// <item>Otherwise separable.</item>
/// </list>
/// <para>In stereo, a window that is <see cref="VoiceActivityOptions.CrossTalkDb"/> quieter than the other channel
/// while the other channel speaks counts as silence: the faint copy of the other party, not this party.</para>
/// </remarks>
public sealed class RecordingAnalyzer : IDisposable
{
    // Thresholds of the separability rule above.
    private const double DuplicateEnergyRatio = 0.01;
    private const double SimilarLevelDb = 6;
    private const double MixedShareOfSpeech = 0.5;

    private readonly Ffmpeg ffmpeg;
    private readonly VoiceActivityOptions options;
    private readonly IVoiceActivityDetector detector;

    /// <summary>Uses the detector the options name; Silero falls back to energy if its model cannot be loaded.</summary>
    public RecordingAnalyzer(Ffmpeg ffmpeg, VoiceActivityOptions options)
        : this(ffmpeg, options, CreateDetector(options, out var reason)) => FallbackReason = reason;

    /// <summary>Uses the given detector (tests, benchmarks).</summary>
    public RecordingAnalyzer(Ffmpeg ffmpeg, VoiceActivityOptions options, IVoiceActivityDetector detector)
    {
        options.EnsureValid();
        this.ffmpeg = ffmpeg;
        this.options = options;
        this.detector = detector;
    }

    /// <summary>Why Silero was configured but energy is used; null when the configured detector runs.</summary>
    public string? FallbackReason { get; }

    /// <summary>The detector's name, as it will appear in <see cref="ChannelActivity.Detector"/>.</summary>
    public string Detector => detector.Name;

    /// <exception cref="AudioDecodeException">ffmpeg could not decode the file.</exception>
    public async Task<ChannelActivity> AnalyzeAsync(string path, AudioProbe probe, CancellationToken cancellationToken)
    {
        var channels = Math.Clamp(probe.Channels, 1, 2);
        using var analysis = new Analysis(channels, detector, options);
        var frames = await ffmpeg.DecodeAsync(path, VoiceActivityWindow.SampleRate, channels, block =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            analysis.Add(block);
        }, cancellationToken);
        var duration = (double)frames / VoiceActivityWindow.SampleRate;
        return new ChannelActivity(duration, analysis.Finish(duration), analysis.Separable, detector.Name);
    }

    public void Dispose() => (detector as IDisposable)?.Dispose();

    private static IVoiceActivityDetector CreateDetector(VoiceActivityOptions options, out string? fallbackReason)
    {
        fallbackReason = null;
        if (options.Detector == VoiceActivityDetectorKind.Energy)
        {
            return new EnergyVoiceActivityDetector();
        }
        try
        {
            return SileroVoiceActivityDetector.Load(options.ModelPath);
        }
        catch (InvalidOperationException e)
        {
            fallbackReason = e.Message;
            return new EnergyVoiceActivityDetector();
        }
    }

    /// <summary>One recording's running state: a window buffer, a stream and a segmenter per channel.</summary>
    private sealed class Analysis : IDisposable
    {
        private readonly int channels;
        private readonly double crossTalkDb;
        private readonly double onset;
        private readonly IVoiceActivityStream[] streams;
        private readonly SpeechSegmenter[] segmenters;
        private readonly float[][] windows;
        private readonly float[] probabilities;
        private readonly double[] levels;
        private int filled;
        private double differenceEnergy;
        private double sumEnergy;
        private long speechWindows;
        private long sharedWindows;

        public Analysis(int channels, IVoiceActivityDetector detector, VoiceActivityOptions options)
        {
            this.channels = channels;
            crossTalkDb = options.CrossTalkDb;
            onset = options.OnsetThreshold;
            streams = new IVoiceActivityStream[channels];
            segmenters = new SpeechSegmenter[channels];
            windows = new float[channels][];
            for (var c = 0; c < channels; c++)
            {
                streams[c] = detector.CreateStream();
                segmenters[c] = new SpeechSegmenter(options);
                windows[c] = new float[VoiceActivityWindow.Samples];
            }
            probabilities = new float[channels];
            levels = new double[channels];
        }

        public bool Separable => channels == 2
            && differenceEnergy >= DuplicateEnergyRatio * sumEnergy
            && !(speechWindows > 0 && sharedWindows >= MixedShareOfSpeech * speechWindows);

        public void Add(ReadOnlySpan<float> interleaved)
        {
            var frames = interleaved.Length / channels;
            for (var frame = 0; frame < frames; frame++)
            {
                for (var c = 0; c < channels; c++)
                {
                    windows[c][filled] = interleaved[frame * channels + c];
                }
                if (channels == 2)
                {
                    var (left, right) = (interleaved[2 * frame], interleaved[2 * frame + 1]);
                    differenceEnergy += (left - right) * (left - right);
                    sumEnergy += (left + right) * (left + right);
                }
                if (++filled == VoiceActivityWindow.Samples)
                {
                    ProcessWindows();
                }
            }
        }

        public IReadOnlyList<IReadOnlyList<SpeakingSegment>> Finish(double durationSeconds)
        {
            if (filled > 0)
            {
                // The last partial window, padded with silence; segment ends are clipped to the duration.
                foreach (var window in windows)
                {
                    Array.Clear(window, filled, window.Length - filled);
                }
                ProcessWindows();
            }
            return segmenters.Select(s => s.Finish(durationSeconds)).ToList();
        }

        public void Dispose()
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }

        private void ProcessWindows()
        {
            filled = 0;
            for (var c = 0; c < channels; c++)
            {
                probabilities[c] = streams[c].Process(windows[c]);
                levels[c] = LevelDb(windows[c]);
            }
            if (channels == 2)
            {
                var (left, right) = (probabilities[0] >= onset, probabilities[1] >= onset);
                if (left || right)
                {
                    speechWindows++;
                    if (left && right && Math.Abs(levels[0] - levels[1]) < SimilarLevelDb)
                    {
                        sharedWindows++;
                    }
                }
                if (crossTalkDb > 0)
                {
                    SuppressCrossTalk(0, 1);
                    SuppressCrossTalk(1, 0);
                }
            }
            for (var c = 0; c < channels; c++)
            {
                segmenters[c].Push(probabilities[c], windows[c]);
            }
        }

        private void SuppressCrossTalk(int channel, int other)
        {
            if (probabilities[other] >= onset && levels[channel] < levels[other] - crossTalkDb)
            {
                probabilities[channel] = 0;
            }
        }

        private static double LevelDb(ReadOnlySpan<float> window)
        {
            double sum = 0;
            foreach (var sample in window)
            {
                sum += sample * sample;
            }
            return 10 * Math.Log10(sum / window.Length + 1e-12);
        }
    }
}
