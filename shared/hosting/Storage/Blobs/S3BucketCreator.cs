using Microsoft.Extensions.Hosting;

namespace Cekura.Hosting.Storage.Blobs;

/// <summary>Creates the recordings bucket at start, so a fresh MinIO works without manual set-up.</summary>
public sealed class S3BucketCreator(S3BlobStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureBucketAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
