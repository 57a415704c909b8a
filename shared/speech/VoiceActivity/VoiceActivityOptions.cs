using System.ComponentModel.DataAnnotations;

namespace Cekura.Speech.VoiceActivity;

/// <summary>Which detector turns audio windows into speech probabilities.</summary>
public enum VoiceActivityDetectorKind
{
    /// <summary>Silero VAD (ONNX); falls back to <see cref="Energy"/> when the model cannot be loaded.</summary>
    Silero,

    /// <summary>Level above an adaptive noise floor; no model, less robust to noise and music.</summary>
    Energy,
}

/// <summary>
/// How speaking segments are found. Section <c>VoiceActivity</c>:
/// <code>{"VoiceActivity": {"Detector": "Silero", "ModelPath": null, "OnsetThreshold": 0.5, "OffsetThreshold": 0.35,
///   "MinSpeechMs": 100, "MinSilenceMs": 500, "CrossTalkDb": 15, "SilenceGateDb": -55, "MaxConcurrentAnalyses": 0,
///   "AnalysisNice": 10, "AnalysisIdle": false, "AnalysisDutyCycle": 0.5}}</code>
/// The defaults were tuned on espeak-ng speech so that segment edges fall within 100 ms of the truth.
/// </summary>
public sealed class VoiceActivityOptions : IValidatableObject
{
    public const string Section = "VoiceActivity";

    public VoiceActivityDetectorKind Detector { get; set; } = VoiceActivityDetectorKind.Silero;

    /// <summary>A Silero v5/v6 16 kHz ONNX file to use instead of the embedded one.</summary>
    public string? ModelPath { get; set; }

    /// <summary>A segment starts at the first window whose speech probability reaches this.</summary>
    [Range(0.01, 0.99)]
    public double OnsetThreshold { get; set; } = 0.5;

    /// <summary>A segment ends when the probability falls below this (lower than the onset: hysteresis).</summary>
    [Range(0.01, 0.99)]
    public double OffsetThreshold { get; set; } = 0.35;

    /// <summary>Shorter segments (after pauses are joined) are dropped: clicks, breaths.</summary>
    [Range(0, 5000)]
    public int MinSpeechMs { get; set; } = 100;

    /// <summary>
    /// Shorter pauses stay inside a segment, so a comma or a breath does not split a turn. 500 ms keeps the 300-350 ms
    /// pause between two sentences of one turn (espeak-ng's, and typical of speech) together even when noise hides a
    /// soft word ending; in stereo a change of speaker is on the other channel, so the generous merge costs nothing.
    /// </summary>
    [Range(0, 5000)]
    public int MinSilenceMs { get; set; } = 500;

    /// <summary>
    /// In stereo, a window whose level is this many dB below the other channel's while the other channel speaks is
    /// treated as the other party bleeding through (cross-talk), not as speech. 0 turns this off.
    /// </summary>
    [Range(0, 60)]
    public double CrossTalkDb { get; set; } = 15;

    /// <summary>
    /// Silero only: a window whose level (RMS, dBFS) is under this is silence without running the model, and the
    /// model restarts from its initial state at the next louder window, as at the start of a recording. The model run
    /// is most of an analysis's CPU and a call is mostly one party's silence on each channel. -55 dBFS is 33 dB under
    /// ordinary speech (about -22), under the softest word endings (about -40) and under what the segmenter counts as a
    /// speech edge (-50); line noise and a TTS channel's pauses are quieter. -120 turns it off.
    /// </summary>
    [Range(-120, -30)]
    public double SilenceGateDb { get; set; } = DefaultSilenceGateDb;

    /// <summary>
    /// Recordings one process analyses at once (decoding and voice activity, both on this process's CPU); 0 is one
    /// per core, or half the cores (at least one) in a process that also answers Send Calls (see
    /// <see cref="SharesCoresWithIngest"/>). More would not finish sooner, only make the cores switch between them and
    /// leave less to requests: the transcription stage takes up to <c>Bus:ConcurrentMessageLimit</c> (16) calls at a
    /// time.
    /// </summary>
    [Range(0, 1024)]
    public int MaxConcurrentAnalyses { get; set; }

    /// <summary>
    /// Set by the host, not by configuration: this process also runs ingest (the embedded deployment), so an
    /// automatic <see cref="MaxConcurrentAnalyses"/> leaves half the cores to the requests. Even at a lower priority
    /// (<see cref="AnalysisNice"/>) an analysis on every core made requests wait: on the 2-core VM at 185 mixed
    /// calls/s, one analysis at a time instead of two lowered the median POST p99 of ten alternated runs from 93 to
    /// 74.5 ms and the load average in every run, and the recorded calls finished no later, because the analyses only
    /// ever got the CPU the requests left. The cost: an idle host analyses a burst of recordings on half its cores.
    /// </summary>
    public bool SharesCoresWithIngest { get; set; }

    /// <summary>
    /// Linux nice value of the threads that decode and analyse recordings (0 = the process's own priority, 19 = the
    /// lowest), and of the ffmpeg they start. Requests in the same process then get the cores first and the analyses
    /// take what is left; on a machine that runs only this stage the value changes nothing, since nothing competes.
    /// </summary>
    [Range(0, 19)]
    public int AnalysisNice { get; set; } = 10;

    /// <summary>
    /// Runs the analyses under Linux's <c>SCHED_IDLE</c> policy instead: only when a core has nothing else to do. Under
    /// a load that keeps the cores busy they then make almost no progress (recorded calls wait until it eases), which
    /// is why it is not the default.
    /// </summary>
    public bool AnalysisIdle { get; set; }

    /// <summary>
    /// While this process answers API requests (one in flight, or one answered within the last half second), each
    /// analysis works at most this share of the time and pauses the rest in slices of about 20 ms, leaving a core idle
    /// for the next request (see <see cref="Threading.DutyCyclePacer"/>); 1 never pauses. Only a process that also
    /// runs ingest (the embedded host) serves such requests, so a transcription worker of its own is never paced.
    /// </summary>
    [Range(0.05, 1)]
    public double AnalysisDutyCycle { get; set; } = 0.5;

    /// <summary>The default of <see cref="SilenceGateDb"/>.</summary>
    public const double DefaultSilenceGateDb = -55;

    /// <summary><see cref="MaxConcurrentAnalyses"/>, with 0 resolved for this machine's cores.</summary>
    public int ConcurrentAnalyses => ResolveConcurrentAnalyses(Environment.ProcessorCount);

    /// <summary><see cref="MaxConcurrentAnalyses"/>, with 0 resolved for <paramref name="cores"/> cores.</summary>
    public int ResolveConcurrentAnalyses(int cores) =>
        MaxConcurrentAnalyses > 0 ? MaxConcurrentAnalyses
        : SharesCoresWithIngest ? Math.Max(1, cores / 2)
        : Math.Max(1, cores);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OffsetThreshold > OnsetThreshold)
        {
            yield return new ValidationResult(
                $"VoiceActivity:OffsetThreshold ({OffsetThreshold}) must not exceed OnsetThreshold ({OnsetThreshold}).",
                [nameof(OffsetThreshold), nameof(OnsetThreshold)]);
        }
        if (!string.IsNullOrWhiteSpace(ModelPath) && !File.Exists(ModelPath))
        {
            yield return new ValidationResult($"VoiceActivity:ModelPath '{ModelPath}' does not exist.", [nameof(ModelPath)]);
        }
    }

    /// <summary>Validates outside DI (the analyzer's constructor calls it), so a bad value never runs silently.</summary>
    public void EnsureValid()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException(string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }
}
