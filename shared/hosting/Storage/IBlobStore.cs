namespace Cekura.Hosting.Storage;

/// <summary>Recordings and other large objects, addressed by key.</summary>
public interface IBlobStore
{
    Task PutAsync(string key, Stream content, long length, string contentType, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when there is no such key.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
