using Cekura.Contracts.Tenancy;

namespace Cekura.Hosting.Storage;

public interface IApiKeyStore
{
    /// <summary>Adds a key; adding a hash that is already stored is a no-op that returns the stored key.</summary>
    Task<ApiKeyRecord> AddAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> FindByPrefixAsync(string prefix, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);

    Task<ApiKeyRecord?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Every key, or those of one organisation, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? organizationId, CancellationToken cancellationToken);

    // The two changes a key ever sees are targeted updates of one field, never a write of a whole record read
    // earlier: an authentication that read the key before a revocation must not write the old record back.

    /// <summary>
    /// Sets only <c>last_used_at</c>, and only while the key is not revoked. Returns the key as stored afterwards
    /// (revoked if a revocation came first), or null when there is no such key.
    /// </summary>
    Task<ApiKeyRecord?> RecordUseAsync(long id, DateTimeOffset usedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Sets only <c>revoked_at</c>, unless the key is already revoked (the first revocation's time stays). Returns the
    /// key as stored afterwards, or null when there is no such key.
    /// </summary>
    Task<ApiKeyRecord?> RevokeAsync(long id, DateTimeOffset revokedAt, CancellationToken cancellationToken);
}
