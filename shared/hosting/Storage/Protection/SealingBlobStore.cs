namespace Cekura.Hosting.Storage.Protection;

/// <summary>
/// Seals blobs whose key starts with <c>sealed/{dataKeyId}/</c> (see <see cref="SealedBlobKeys"/>) with that call's
/// data key, and opens them on read; other blobs pass through. Once the key is destroyed, the object and every
/// version or backup of it is noise.
/// </summary>
public sealed class SealingBlobStore(IBlobStore inner, IDataKeyStore keys) : IBlobStore
{
    public async Task PutAsync(string key, Stream content, long length, string contentType, CancellationToken cancellationToken)
    {
        if (SealedBlobKeys.KeyIdOf(key) is not { } keyId)
        {
            await inner.PutAsync(key, content, length, contentType, cancellationToken);
            return;
        }
        var dataKey = await keys.GetAsync(keyId, cancellationToken)
            ?? throw new SealedDataUnavailableException($"blob {key}: its data key is gone, so it cannot be sealed");
        await using var sealedFile = TempFile();
        await Seal.SealStreamAsync(content, sealedFile, dataKey, keyId, cancellationToken);
        sealedFile.Position = 0;
        await inner.PutAsync(key, sealedFile, sealedFile.Length, "application/octet-stream", cancellationToken);
    }

    /// <exception cref="SealedDataUnavailableException">The blob is sealed and its key was destroyed.</exception>
    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var stored = await inner.OpenReadAsync(key, cancellationToken);
        if (stored is null || SealedBlobKeys.KeyIdOf(key) is not { } keyId)
        {
            return stored;
        }
        await using (stored)
        {
            var dataKey = await keys.GetAsync(keyId, cancellationToken)
                ?? throw new SealedDataUnavailableException($"blob {key}: its data key was destroyed");
            var plain = TempFile();
            try
            {
                await Seal.OpenStreamAsync(stored, plain, dataKey, keyId, cancellationToken);
                plain.Position = 0;
                return plain;
            }
            catch
            {
                await plain.DisposeAsync();
                throw;
            }
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    /// <summary>Keys are not sealed, only contents: the listing is the inner store's.</summary>
    public IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    // The plaintext exists only for the reader's use and is deleted when the stream closes.
    private static FileStream TempFile() => new(
        Path.Combine(Path.GetTempPath(), $"cekura-sealed-{Guid.NewGuid():N}.tmp"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
}

/// <summary>The naming rule that tells <see cref="SealingBlobStore"/> which blobs to seal, and with which key.</summary>
public static class SealedBlobKeys
{
    /// <summary>Every sealed blob's key starts with this.</summary>
    public const string Prefix = "sealed/";

    public static string For(string dataKeyId, string key) => $"{Prefix}{dataKeyId}/{key}";

    public static string? KeyIdOf(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var end = key.IndexOf('/', Prefix.Length);
        return end > Prefix.Length ? key[Prefix.Length..end] : null;
    }
}
