using Cekura.Contracts.Tenancy;

namespace Cekura.Hosting.Storage;

public interface IApiKeyStore
{
    /// <summary>Adds a key; adding a hash that is already stored is a no-op that returns the stored key.</summary>
    Task<ApiKeyRecord> AddAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> FindByPrefixAsync(string prefix, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);
}
