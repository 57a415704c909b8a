using Cekura.Speech.VoiceActivity;
using Cekura.Speech.VoiceActivity.Silero;

namespace Cekura.Speech.Tests.VoiceActivity;

/// <summary>
/// Windows under <see cref="VoiceActivityOptions.SilenceGateDb"/> score 0 without running the model. The model's output
/// is a sigmoid, never exactly 0, which is how these tests tell a gated window from a scored one. Whether speech after
/// gated silence is still found on time is checked on real speech by <see cref="RecordingAnalyzerTests"/>, which run
/// with the default gate, and by the comparison with the gate off there.
/// </summary>
public sealed class SileroSilenceGateTests
{
    [Theory]
    [InlineData(-120.0)] // digital silence
    [InlineData(-70.0)]
    [InlineData(-56.0)]
    public void A_window_under_the_gate_scores_exactly_0_and_one_above_it_is_scored_by_the_model(double levelDb)
    {
        using var gated = SileroVoiceActivityDetector.Load(null, -55);
        using var ungated = SileroVoiceActivityDetector.Load(null, -120);
        using var gatedStream = gated.CreateStream();
        using var ungatedStream = ungated.CreateStream();
        var quiet = Noise(levelDb, seed: 1);
        var louder = Noise(-54, seed: 2);

        Assert.Equal(0f, gatedStream.Process(quiet));
        Assert.NotEqual(0f, ungatedStream.Process(quiet));
        Assert.NotEqual(0f, gatedStream.Process(louder));
    }

    [Fact]
    public void After_gated_windows_the_model_starts_as_a_new_stream_does()
    {
        using var detector = SileroVoiceActivityDetector.Load(null, -55);
        using var resumed = detector.CreateStream();
        using var fresh = detector.CreateStream();
        var loud = Noise(-30, seed: 3);
        for (var i = 0; i < 20; i++)
        {
            resumed.Process(Noise(-30, seed: 10 + i)); // state the gate must not carry over
        }
        var quiet = new float[VoiceActivityWindow.Samples];
        Assert.Equal(0f, resumed.Process(quiet));

        // Same state (initial) and same input; the context differs (the quiet window's tail against zeros: both zero).
        Assert.Equal(fresh.Process(loud), resumed.Process(loud));
    }

    [Fact]
    public void The_gate_is_validated_and_defaults_to_minus_55_dBFS()
    {
        Assert.Equal(-55, new VoiceActivityOptions().SilenceGateDb);
        Assert.Throws<ArgumentException>(() => new VoiceActivityOptions { SilenceGateDb = -20 }.EnsureValid());
        Assert.Throws<ArgumentException>(() => new VoiceActivityOptions { SilenceGateDb = -121 }.EnsureValid());
    }

    /// <summary>Uniform white noise whose RMS is <paramref name="levelDb"/> dBFS (or zeros at -120).</summary>
    private static float[] Noise(double levelDb, int seed)
    {
        var window = new float[VoiceActivityWindow.Samples];
        if (levelDb <= -120)
        {
            return window;
        }
        var random = new Random(seed);
        var peak = Math.Pow(10, levelDb / 20) * Math.Sqrt(3); // uniform on [-a, a] has RMS a/√3
        for (var i = 0; i < window.Length; i++)
        {
            window[i] = (float)((random.NextDouble() * 2 - 1) * peak);
        }
        return window;
    }
}
