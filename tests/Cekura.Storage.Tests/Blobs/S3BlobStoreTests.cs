using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Blobs;
using Cekura.TestSupport;

namespace Cekura.Storage.Tests.Blobs;

/// <summary>The blob contract against a real S3 server; each test gets its own bucket.</summary>
[Collection(S3Fixture.Collection)]
public sealed class S3BlobStoreTests(S3Fixture s3) : BlobStoreContract
{
    private S3BlobOptions? _options;
    private S3BlobStore? _store;

    protected override Task<IBlobStore> OpenStoreAsync()
    {
        s3.SkipIfUnavailable();
        _options = s3.NewBucketOptions();
        _store = new S3BlobStore(_options, s3.NewHttpClient());
        return Task.FromResult<IBlobStore>(_store);
    }

    protected override Task CloseStoreAsync()
    {
        _store?.Dispose();
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task A_second_store_on_an_existing_bucket_sees_the_same_blobs()
    {
        await _store!.EnsureBucketAsync(Ct);
        await PutAsync("recordings/1/a.wav", [1, 2]);
        using var second = new S3BlobStore(_options!, s3.NewHttpClient());

        await second.EnsureBucketAsync(Ct);
        await using var stream = await second.OpenReadAsync("recordings/1/a.wav", Ct);

        Assert.NotNull(stream);
        Assert.Equal(2, stream.Length);
    }

    [SkippableFact]
    public async Task Stores_of_processes_starting_together_all_get_the_new_bucket()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => new S3BlobStore(_options!, s3.NewHttpClient())).ToList();
        try
        {
            // Each sees "no bucket" and tries to create it; the losers must accept the winner's bucket.
            await Task.WhenAll(stores.Select(s => s.EnsureBucketAsync(Ct)));
            await stores[0].PutAsync("recordings/1/b.wav", new MemoryStream([7]), 1, "audio/wav", Ct);
            await using var read = await stores[5].OpenReadAsync("recordings/1/b.wav", Ct);
            Assert.Equal(1, read!.Length);
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }
    }
}
