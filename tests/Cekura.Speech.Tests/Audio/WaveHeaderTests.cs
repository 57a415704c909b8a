using Cekura.Speech.Audio;

namespace Cekura.Speech.Tests.Audio;

public sealed class WaveHeaderTests
{
    [Fact]
    public void Claimed_seconds_come_from_the_data_size_and_the_byte_rate_past_other_chunks()
    {
        using var stream = Wave(dataBytes: 32_000, byteRate: 16_000, extraChunk: true);
        Assert.Equal(2.0, WaveHeader.ClaimedSeconds(stream));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    public void A_streamed_header_with_no_size_claims_nothing(uint size)
    {
        using var stream = Wave(dataBytes: size, byteRate: 16_000, extraChunk: false);
        Assert.Null(WaveHeader.ClaimedSeconds(stream));
    }

    [Fact]
    public void Non_wave_bytes_claim_nothing() =>
        Assert.Null(WaveHeader.ClaimedSeconds(new MemoryStream("ID3\u0004 not a wave file"u8.ToArray())));

    private static MemoryStream Wave(uint dataBytes, int byteRate, bool extraChunk)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            writer.Write("RIFF"u8);
            writer.Write(0);
            writer.Write("WAVE"u8);
            writer.Write("fmt "u8);
            writer.Write(16);
            writer.Write((short)1);
            writer.Write((short)1);
            writer.Write(byteRate / 2);
            writer.Write(byteRate);
            writer.Write((short)2);
            writer.Write((short)16);
            if (extraChunk)
            {
                writer.Write("LIST"u8);
                writer.Write(3);
                writer.Write(new byte[4]); // 3 bytes plus the pad byte
            }
            writer.Write("data"u8);
            writer.Write(dataBytes);
        }
        stream.Position = 0;
        return stream;
    }
}
