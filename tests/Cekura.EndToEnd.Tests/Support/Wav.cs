namespace Cekura.EndToEnd.Tests.Support;

/// <summary>A real PCM WAV file (a sine tone), so uploads pass the audio check for the right reason.</summary>
public static class Wav
{
    public static byte[] Tone(double seconds, int sampleRate = 8000, double frequency = 440)
    {
        var samples = (int)(seconds * sampleRate);
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples * 2);
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(sampleRate);
        writer.Write(sampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            writer.Write((short)(Math.Sin(2 * Math.PI * frequency * i / sampleRate) * 8000));
        }
        writer.Flush();
        return stream.ToArray();
    }
}
