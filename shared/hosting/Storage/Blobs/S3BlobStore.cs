using System.Globalization;
using System.Runtime.CompilerServices;
using Cekura.Hosting.Options;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace Cekura.Hosting.Storage.Blobs;

/// <summary>Blobs in one S3 bucket (MinIO, AWS, s3rver), created on first use.</summary>
/// <param name="httpClient">The HTTP client to send requests with (kept by the caller); null lets Minio make its own.</param>
public sealed class S3BlobStore(S3BlobOptions options, HttpClient? httpClient = null) : IBlobStore, IDisposable
{
    private readonly IMinioClient _client = CreateClient(options, httpClient);

    private readonly SemaphoreSlim _bucketLock = new(1, 1);
    private volatile bool _bucketReady;

    /// <summary>Creates the bucket unless it exists; a host may call it at start to fail early on bad credentials.</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady)
        {
            return;
        }
        await _bucketLock.WaitAsync(cancellationToken);
        try
        {
            if (_bucketReady)
            {
                return;
            }
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(options.Bucket), cancellationToken))
            {
                try
                {
                    await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(options.Bucket), cancellationToken);
                }
                catch (MinioException)
                {
                    // Processes of a distributed deployment start together: another one may have created it in between.
                    if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(options.Bucket), cancellationToken))
                    {
                        throw;
                    }
                }
            }
            _bucketReady = true;
        }
        finally
        {
            _bucketLock.Release();
        }
    }

    public async Task PutAsync(string key, Stream content, long length, string contentType, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        await _client.PutObjectAsync(
            new PutObjectArgs()
                .WithBucket(options.Bucket)
                .WithObject(key)
                .WithStreamData(content)
                .WithObjectSize(length)
                .WithContentType(contentType),
            cancellationToken);
    }

    /// <summary>
    /// Downloads the whole object into a temporary file (deleted when the stream is disposed): recordings run to
    /// tens of MB, and Minio only hands the body to a callback, so it cannot be returned as a live stream.
    /// </summary>
    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        var buffer = new FileStream(
            Path.Combine(Path.GetTempPath(), $"cekura-blob-{Guid.NewGuid():N}.tmp"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await _client.GetObjectAsync(
                new GetObjectArgs()
                    .WithBucket(options.Bucket)
                    .WithObject(key)
                    .WithCallbackStream((body, ct) => body.CopyToAsync(buffer, ct)),
                cancellationToken);
            buffer.Position = 0;
            return buffer;
        }
        catch (ObjectNotFoundException)
        {
            await buffer.DisposeAsync();
            return null;
        }
        catch
        {
            await buffer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Deleting a missing key succeeds, as S3's DeleteObject does.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        try
        {
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(options.Bucket).WithObject(key), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
        }
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken);
        var args = new ListObjectsArgs().WithBucket(options.Bucket).WithPrefix(prefix).WithRecursive(true);
        await foreach (var item in _client.ListObjectsEnumAsync(args, cancellationToken))
        {
            // An object whose time cannot be read cannot be judged old; it is left out rather than guessed.
            if (!item.IsDir && LastModified(item) is { } modified)
            {
                yield return new StoredBlob(item.Key, modified);
            }
        }
    }

    private static DateTimeOffset? LastModified(Minio.DataModel.Item item)
    {
        if (DateTimeOffset.TryParse(item.LastModified, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }
        return item.LastModifiedDateTime is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc)) : null;
    }

    private static IMinioClient CreateClient(S3BlobOptions options, HttpClient? httpClient)
    {
        var client = new MinioClient()
            .WithEndpoint(options.Endpoint)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithSSL(options.UseSsl);
        return (httpClient is null ? client : client.WithHttpClient(httpClient)).Build();
    }

    public void Dispose()
    {
        _client.Dispose();
        _bucketLock.Dispose();
    }
}
