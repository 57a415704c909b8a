using System.Buffers.Binary;

namespace Cekura.Transcription.Tests.SpeechToText;

/// <summary>A real, small WAV file (16 kHz, 16-bit mono, a 440 Hz tone) in a temporary folder.</summary>
public sealed class TestAudio : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cekura-stt-").FullName;

    public string Path { get; }

    public byte[] Bytes { get; }

    public TestAudio(string fileName = "call.wav", double seconds = 0.5)
    {
        Bytes = Wav(seconds);
        Path = System.IO.Path.Combine(_folder, fileName);
        File.WriteAllBytes(Path, Bytes);
    }

    private static byte[] Wav(double seconds)
    {
        const int rate = 16_000;
        var samples = (int)(rate * seconds);
        var data = samples * 2;
        var wav = new byte[44 + data];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + data);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);      // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);       // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);       // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], rate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], rate * 2); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);       // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);      // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data);
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * 440 * i / rate) * 8000);
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], value);
        }
        return wav;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
