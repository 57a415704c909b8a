using System.Text;
using Cekura.Ingest.Recordings;

namespace Cekura.Ingest.Tests.Recordings;

public sealed class AudioFormatTests
{
    /// <summary>Header bytes written as hex, with 'text' segments in quotes for readability.</summary>
    private static byte[] Header(string spec)
    {
        var bytes = new List<byte>();
        foreach (var part in spec.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith('\''))
            {
                bytes.AddRange(Encoding.ASCII.GetBytes(part.Trim('\'').Replace('_', ' ')));
            }
            else
            {
                bytes.Add(Convert.ToByte(part, 16));
            }
        }
        return bytes.ToArray();
    }

    [Theory]
    [InlineData("'RIFF' 24 08 00 00 'WAVE' 'fmt_'", "wav", "audio/wav", "wav")]
    [InlineData("'fLaC' 00 00 00 22", "flac", "audio/flac", "flac")]
    [InlineData("'OggS' 00 02 00 00", "ogg", "audio/ogg", "ogg")]
    [InlineData("00 00 00 20 'ftypM4A_' 00 00 00 00", "m4a", "audio/mp4", "m4a")]
    [InlineData("00 00 00 1C 'ftypisom' 00 00 02 00", "m4a", "audio/mp4", "m4a")]
    [InlineData("1A 45 DF A3 9F 42 86 81 01", "webm", "audio/webm", "webm")]
    [InlineData("'ID3' 04 00 00 00 00 00", "mp3", "audio/mpeg", "mp3")]
    [InlineData("FF FB 90 64", "mp3", "audio/mpeg", "mp3")]   // MPEG-1 layer III, 128 kbit/s
    [InlineData("FF F3 64 C4", "mp3", "audio/mpeg", "mp3")]   // MPEG-2 layer III
    [InlineData("FF FD 90 00", "mp3", "audio/mpeg", "mp3")]   // MPEG-1 layer II
    public void Known_audio_headers_are_detected(string header, string format, string contentType, string extension) =>
        Assert.Equal(new AudioFormat.Detected(format, contentType, extension), AudioFormat.Detect(Header(header)));

    [Theory]
    [InlineData("")]
    [InlineData("'RI'")]
    [InlineData("'RIFF' 24 08 00 00 'AVI_' 'LIST'")]   // RIFF but not WAVE
    [InlineData("'RIFF' 24 08")]                        // too short to see WAVE
    [InlineData("'%PDF-1.7'")]
    [InlineData("'PK' 03 04 14 00")]
    [InlineData("'{\"call_id\":'")]
    [InlineData("FF D8 FF E0 00 10 'JFIF'")]            // JPEG starts with FF but is not a frame sync
    [InlineData("FF F1 50 80")]                          // AAC ADTS: layer bits 00
    [InlineData("FF EB 90 64")]                          // reserved MPEG version
    [InlineData("FF FB F0 64")]                          // "bad" bitrate index
    [InlineData("FF FB")]                                // too short for a frame header
    [InlineData("00 00 00 20 'ftyp'")]                   // box too short to name a brand
    [InlineData("'fLa'")]
    [InlineData("1A 45 DF")]
    public void Other_headers_are_not_audio(string header) =>
        Assert.Null(AudioFormat.Detect(Header(header)));

    [Fact]
    public void Header_length_covers_every_magic_number() =>
        Assert.True(AudioFormat.HeaderLength >= 12);
}
