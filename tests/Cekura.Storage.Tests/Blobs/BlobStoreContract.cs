using System.Security.Cryptography;
using Cekura.Hosting.Storage;

namespace Cekura.Storage.Tests.Blobs;

/// <summary>The behaviour every blob store must share; one subclass per store.</summary>
public abstract class BlobStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected IBlobStore Store { get; private set; } = null!;

    /// <summary>An empty store for one test; may skip the test when its server is missing.</summary>
    protected abstract Task<IBlobStore> OpenStoreAsync();

    protected abstract Task CloseStoreAsync();

    public async Task InitializeAsync() => Store = await OpenStoreAsync();

    public Task DisposeAsync() => CloseStoreAsync();

    [SkippableTheory]
    [InlineData(100 * 1024)]
    [InlineData(12 * 1024 * 1024)]
    public async Task Put_then_open_returns_the_same_bytes(int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);

        await PutAsync("recordings/12/abc.wav", bytes);

        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(await ReadAsync("recordings/12/abc.wav")));
    }

    [SkippableFact]
    public async Task Put_over_an_existing_key_replaces_its_bytes()
    {
        await PutAsync("recordings/1/a.wav", [1, 2, 3, 4, 5]);

        await PutAsync("recordings/1/a.wav", [9, 8]);

        Assert.Equal([9, 8], await ReadAsync("recordings/1/a.wav"));
    }

    [SkippableFact]
    public async Task Open_of_a_missing_key_returns_null()
    {
        await PutAsync("recordings/1/present.wav", [1]);

        Assert.Null(await Store.OpenReadAsync("recordings/1/missing.wav", Ct));
        Assert.Null(await Store.OpenReadAsync("nowhere/at/all.wav", Ct));
    }

    [SkippableFact]
    public async Task Delete_removes_only_that_blob()
    {
        await PutAsync("recordings/1/a.wav", [1]);
        await PutAsync("recordings/1/b.wav", [2]);

        await Store.DeleteAsync("recordings/1/a.wav", Ct);

        Assert.Null(await Store.OpenReadAsync("recordings/1/a.wav", Ct));
        Assert.Equal([2], await ReadAsync("recordings/1/b.wav"));
    }

    [SkippableFact]
    public async Task Delete_of_a_missing_key_succeeds()
    {
        await Store.DeleteAsync("recordings/1/never.wav", Ct);
        await Store.DeleteAsync("never/created/dir.wav", Ct);
    }

    [SkippableFact]
    public async Task List_returns_the_keys_under_a_prefix_with_their_write_times()
    {
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        await PutAsync("recordings/1/a.wav", [1]);
        await PutAsync("recordings/2/b.wav", [2]);
        await PutAsync("sealed/k1/recordings/1/c.wav", [3]);
        await PutAsync("recordingsextra/d.wav", [4]);

        var recordings = await ListAsync("recordings/");
        var sealedBlobs = await ListAsync("sealed/");
        var one = await ListAsync("recordings/1/");

        Assert.Equal(["recordings/1/a.wav", "recordings/2/b.wav"], recordings.Select(b => b.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["sealed/k1/recordings/1/c.wav"], sealedBlobs.Select(b => b.Key));
        Assert.Equal(["recordings/1/a.wav"], one.Select(b => b.Key));
        // Server clocks may differ a little from ours; the time must still be the write's, not a placeholder.
        Assert.All(recordings, b => Assert.InRange(b.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.Empty(await ListAsync("nothing/here/"));

        await Store.DeleteAsync("recordings/1/a.wav", Ct);
        Assert.Equal(["recordings/2/b.wav"], (await ListAsync("recordings/")).Select(b => b.Key));
    }

    protected async Task<List<StoredBlob>> ListAsync(string prefix)
    {
        var blobs = new List<StoredBlob>();
        await foreach (var blob in Store.ListAsync(prefix, Ct))
        {
            blobs.Add(blob);
        }
        return blobs;
    }

    protected async Task PutAsync(string key, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        await Store.PutAsync(key, content, bytes.Length, "audio/wav", Ct);
    }

    protected async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, Ct);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }
}
