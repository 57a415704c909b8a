namespace Cekura.Hosting.Storage.Protection;

/// <summary>
/// Per-call data keys, stored apart from the calls. Destroying a key is what makes a call's sealed originals
/// unreadable everywhere they may linger (freed pages, the WAL, object versions, backups of the call store).
/// </summary>
public interface IDataKeyStore
{
    /// <summary>Creates a random 256-bit key and returns its id.</summary>
    Task<string> CreateAsync(CancellationToken cancellationToken);

    /// <summary>The key, or null once it was destroyed (or never existed).</summary>
    Task<byte[]?> GetAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Removes the key so that it cannot be recovered from the key store's files; idempotent.</summary>
    Task DestroyAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>A sealed value whose key was destroyed (or that was tampered with) cannot be opened.</summary>
public sealed class SealedDataUnavailableException(string message) : Exception(message);
