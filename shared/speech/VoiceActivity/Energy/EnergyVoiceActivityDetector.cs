namespace Cekura.Speech.VoiceActivity.Energy;

/// <summary>
/// Speech where a window's level stands clearly above the channel's noise floor and above an absolute floor.
/// Plain arithmetic, no model: the fallback when Silero cannot be loaded. It cannot tell speech from other loud
/// sounds (music, hold tones), which is why Silero is the default.
/// </summary>
public sealed class EnergyVoiceActivityDetector : IVoiceActivityDetector
{
    public string Name => "energy";

    public IVoiceActivityStream CreateStream() => new Stream();

    /// <summary>
    /// The score is a logistic curve of the window's margin above the <see cref="NoiseFloor"/>, centred so that
    /// 0.5 means "<see cref="MarginDb"/> above the floor".
    /// </summary>
    private sealed class Stream : IVoiceActivityStream
    {
        // Speech must be this far above the noise floor to score 0.5; espeak and telephone speech sit 20-40 dB above.
        private const double MarginDb = 12;

        // Quieter than this is silence whatever the floor (digital silence would otherwise make any hiss "speech").
        private const double AbsoluteFloorDb = -50;

        // Width of the logistic curve, in dB.
        private const double SlopeDb = 2;

        private readonly NoiseFloor floor = new();

        public float Process(ReadOnlySpan<float> window)
        {
            var levelDb = NoiseFloor.Decibels(window);
            var reference = Math.Max(floor.Update(levelDb), AbsoluteFloorDb);
            var margin = levelDb - reference - MarginDb;
            return (float)(1 / (1 + Math.Exp(-margin / SlopeDb)));
        }

        public void Dispose()
        {
        }
    }
}
