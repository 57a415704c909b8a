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

    /// <summary>Stores a changed key (revocation, last use); the hash and prefix never change. False when there is no such key.</summary>
    Task<bool> UpdateAsync(ApiKeyRecord key, CancellationToken cancellationToken);
}
