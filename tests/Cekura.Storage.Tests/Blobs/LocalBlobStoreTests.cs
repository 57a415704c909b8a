using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Blobs;

namespace Cekura.Storage.Tests.Blobs;

public sealed class LocalBlobStoreTests : BlobStoreContract
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"cekura-blobs-{Guid.NewGuid():N}");

    protected override Task<IBlobStore> OpenStoreAsync() => Task.FromResult<IBlobStore>(new LocalBlobStore(_root));

    protected override Task CloseStoreAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("../outside.wav")]
    [InlineData("recordings/../../outside.wav")]
    [InlineData("recordings/./a.wav")]
    [InlineData("/etc/passwd")]
    [InlineData("recordings\\1\\a.wav")]
    [InlineData("recordings//a.wav")]
    [InlineData("recordings/")]
    [InlineData("")]
    public async Task Keys_that_are_not_plain_relative_paths_are_rejected(string key)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => PutAsync(key, [1]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(key, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(key, Ct));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_root)!, "outside.wav")));
    }

    [Fact]
    public async Task A_key_maps_to_a_file_under_the_root_and_no_temporary_file_is_left()
    {
        await PutAsync("recordings/12/abc.wav", [1, 2, 3]);

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(_root, "recordings", "12", "abc.wav")));
        Assert.Equal(["abc.wav"], Directory.GetFiles(Path.Combine(_root, "recordings", "12")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task List_skips_the_temporary_file_of_an_interrupted_put()
    {
        await PutAsync("recordings/1/a.wav", [1]);
        var partial = Path.Combine(_root, "recordings", "1", "b.wav.0123456789abcdef.partial");
        await File.WriteAllBytesAsync(partial, [2]);

        Assert.Equal(["recordings/1/a.wav"], (await ListAsync("recordings/")).Select(b => b.Key));
    }

    [Fact]
    public async Task A_failed_put_keeps_the_previous_bytes_and_leaves_no_partial_file()
    {
        await PutAsync("recordings/1/a.wav", [1, 2, 3]);

        await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync("recordings/1/a.wav", new FailingStream(bytesBeforeFailure: 4096), 10_000, "audio/wav", Ct));

        Assert.Equal([1, 2, 3], await ReadAsync("recordings/1/a.wav"));
        Assert.Equal(["a.wav"], Directory.GetFiles(Path.Combine(_root, "recordings", "1")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_stream_shorter_than_the_declared_length_is_rejected()
    {
        using var content = new MemoryStream([1, 2, 3]);

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("recordings/1/short.wav", content, 10, "audio/wav", Ct));

        Assert.Null(await Store.OpenReadAsync("recordings/1/short.wav", Ct));
    }

    [Fact]
    public async Task A_reader_keeps_the_old_bytes_while_the_key_is_overwritten()
    {
        await PutAsync("recordings/1/a.wav", [1, 2, 3]);
        await using var reader = await Store.OpenReadAsync("recordings/1/a.wav", Ct);

        await PutAsync("recordings/1/a.wav", [7]);

        using var copy = new MemoryStream();
        await reader!.CopyToAsync(copy, Ct);
        Assert.Equal([1, 2, 3], copy.ToArray());
        Assert.Equal([7], await ReadAsync("recordings/1/a.wav"));
    }

    /// <summary>Yields zeros, then fails like a dropped upload.</summary>
    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int _left = bytesBeforeFailure;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_left == 0)
            {
                throw new IOException("connection reset");
            }
            var n = Math.Min(count, _left);
            Array.Clear(buffer, offset, n);
            _left -= n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
