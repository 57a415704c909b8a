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
        _store = new S3BlobStore(_options);
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
        using var second = new S3BlobStore(_options!);

        await second.EnsureBucketAsync(Ct);
        await using var stream = await second.OpenReadAsync("recordings/1/a.wav", Ct);

        Assert.NotNull(stream);
        Assert.Equal(2, stream.Length);
    }
}
