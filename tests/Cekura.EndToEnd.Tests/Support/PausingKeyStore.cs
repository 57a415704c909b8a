using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>
/// The real key store, with lookups that can be held: after <see cref="Arm"/>, the next <see cref="FindByPrefixAsync"/>
/// reads the keys, says so, and waits to be released before returning them, so a test can change the store between
/// an authentication's read and what it does next.
/// </summary>
public sealed class PausingKeyStore(IApiKeyStore inner) : IApiKeyStore
{
    private Hold? _armed;

    /// <summary>Holds the next lookup; the returned hold says when it has read and lets it go on.</summary>
    public Hold Arm()
    {
        var hold = new Hold();
        Interlocked.Exchange(ref _armed, hold);
        return hold;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var found = await inner.FindByPrefixAsync(prefix, cancellationToken);
        if (Interlocked.Exchange(ref _armed, null) is { } hold)
        {
            hold.Read.TrySetResult();
            await hold.Released.Task.WaitAsync(cancellationToken);
        }
        return found;
    }

    public Task<ApiKeyRecord> AddAsync(ApiKeyRecord key, CancellationToken cancellationToken) => inner.AddAsync(key, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

    public Task<ApiKeyRecord?> GetAsync(long id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? organizationId, CancellationToken cancellationToken) =>
        inner.ListAsync(organizationId, cancellationToken);

    public Task<ApiKeyRecord?> RecordUseAsync(long id, DateTimeOffset usedAt, CancellationToken cancellationToken) =>
        inner.RecordUseAsync(id, usedAt, cancellationToken);

    public Task<ApiKeyRecord?> RevokeAsync(long id, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        inner.RevokeAsync(id, revokedAt, cancellationToken);

    public sealed class Hold
    {
        internal TaskCompletionSource Read { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the held lookup has read the keys.</summary>
        public Task Reached => Read.Task;

        public void Release() => Released.TrySetResult();
    }
}
