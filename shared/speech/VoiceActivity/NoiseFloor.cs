namespace Cekura.Speech.VoiceActivity;

/// <summary>
/// A channel's noise floor in dBFS, from window levels: it drops at once to a quieter window and rises by at most
/// 1 dB per second of audio, so it follows the quiet between words and a long turn does not lift it to speech level.
/// </summary>
public sealed class NoiseFloor
{
    private const double RisePerWindow = 1.0 * VoiceActivityWindow.Seconds;

    public double Db { get; private set; } = double.NaN;

    /// <summary>Takes the next window's level and returns the floor after it.</summary>
    public double Update(double windowDb)
    {
        Db = double.IsNaN(Db) || windowDb < Db ? windowDb : Db + RisePerWindow;
        return Db;
    }

    /// <summary>Mean-square level in dBFS (a full-scale square wave is 0 dB).</summary>
    public static double Decibels(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var sample in samples)
        {
            sum += sample * sample;
        }
        return Decibels(sum / samples.Length);
    }

    public static double Decibels(double meanSquare) => 10 * Math.Log10(meanSquare + 1e-12);
}
