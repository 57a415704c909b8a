namespace Cekura.Hosting.Storage;

/// <summary>Recordings and other large objects, addressed by key.</summary>
public interface IBlobStore
{
    Task PutAsync(string key, Stream content, long length, string contentType, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when there is no such key.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Every object whose key starts with <paramref name="prefix"/>, in no particular order, with when it was last
    /// written; objects written or deleted during the listing may or may not appear.
    /// </summary>
    IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>A stored object's key and the time it was last written.</summary>
public sealed record StoredBlob(string Key, DateTimeOffset LastModified);
