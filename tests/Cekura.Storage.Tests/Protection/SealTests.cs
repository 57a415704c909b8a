using System.Security.Cryptography;
using Cekura.Hosting.Storage.Protection;

namespace Cekura.Storage.Tests.Protection;

public sealed class SealTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Sealed_text_opens_with_its_key_and_id_only()
    {
        var sealedText = Seal.SealText("card 4111 1111 1111 1111", Key, "k1");

        Assert.DoesNotContain("4111", sealedText);
        Assert.Equal("card 4111 1111 1111 1111", Seal.OpenText(sealedText, Key, "k1"));
        Assert.Throws<SealedDataUnavailableException>(() => Seal.OpenText(sealedText, RandomNumberGenerator.GetBytes(32), "k1"));
        Assert.Throws<SealedDataUnavailableException>(() => Seal.OpenText(sealedText, Key, "k2"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Seal.ChunkBytes - 1)]
    [InlineData(Seal.ChunkBytes)]
    [InlineData(Seal.ChunkBytes + 1)]
    [InlineData(3 * Seal.ChunkBytes)]
    public async Task A_sealed_stream_of_any_length_opens_to_the_same_bytes(int length)
    {
        var plain = RandomNumberGenerator.GetBytes(length);
        var sealedBytes = await SealAsync(plain);

        // Opened from a stream that cannot seek, as a network body would be.
        using var opened = new MemoryStream();
        await Seal.OpenStreamAsync(new ForwardOnly(sealedBytes), opened, Key, "k1", CancellationToken.None);

        Assert.Equal(plain, opened.ToArray());
    }

    [Fact]
    public async Task A_sealed_stream_cut_at_a_chunk_boundary_does_not_open()
    {
        var sealedBytes = await SealAsync(RandomNumberGenerator.GetBytes(2 * Seal.ChunkBytes));
        var firstChunkOnly = sealedBytes[..(4 + 4 + 12 + 16 + Seal.ChunkBytes)];

        await Assert.ThrowsAsync<SealedDataUnavailableException>(() =>
            Seal.OpenStreamAsync(new MemoryStream(firstChunkOnly), Stream.Null, Key, "k1", CancellationToken.None));
    }

    [Fact]
    public async Task A_sealed_stream_with_its_chunks_swapped_does_not_open()
    {
        var sealedBytes = await SealAsync(RandomNumberGenerator.GetBytes(3 * Seal.ChunkBytes));
        const int chunk = 4 + 12 + 16 + Seal.ChunkBytes;
        var swapped = sealedBytes.ToArray();
        sealedBytes.AsSpan(4, chunk).CopyTo(swapped.AsSpan(4 + chunk));
        sealedBytes.AsSpan(4 + chunk, chunk).CopyTo(swapped.AsSpan(4));

        await Assert.ThrowsAsync<SealedDataUnavailableException>(() =>
            Seal.OpenStreamAsync(new MemoryStream(swapped), Stream.Null, Key, "k1", CancellationToken.None));
    }

    [Fact]
    public async Task A_sealed_stream_does_not_open_under_another_key()
    {
        var sealedBytes = await SealAsync([1, 2, 3]);

        await Assert.ThrowsAsync<SealedDataUnavailableException>(() =>
            Seal.OpenStreamAsync(new MemoryStream(sealedBytes), Stream.Null, RandomNumberGenerator.GetBytes(32), "k1", CancellationToken.None));
    }

    private static async Task<byte[]> SealAsync(byte[] plain)
    {
        using var target = new MemoryStream();
        await Seal.SealStreamAsync(new MemoryStream(plain), target, Key, "k1", CancellationToken.None);
        return target.ToArray();
    }

    /// <summary>A read-only stream that cannot seek or tell its length.</summary>
    private sealed class ForwardOnly(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
