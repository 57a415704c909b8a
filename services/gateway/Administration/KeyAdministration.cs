using Cekura.Contracts.Tenancy;
using Cekura.Gateway.ApiKeys;
using Cekura.Hosting.Storage;

namespace Cekura.Gateway.Administration;

/// <summary>What an operator asks for, as the admin API and the CLI both take it.</summary>
public sealed record NewKeyRequest(
    long OrganizationId, long? ProjectId, string Name, bool OrganizationWide = false, int? RateLimitPerMinute = null, int? RateLimitBurst = null);

/// <summary>A key as operators see it: never the key or its hash, only the visible prefix.</summary>
public sealed record KeyView(
    long Id, string Name, string Prefix, long OrganizationId, long? ProjectId, bool OrganizationWide,
    int? RateLimitPerMinute, int? RateLimitBurst, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static KeyView From(ApiKeyRecord k) => new(
        k.Id, k.Name, k.Prefix, k.OrganizationId, k.OrganizationWide ? null : k.ProjectId, k.OrganizationWide,
        k.RateLimitPerMinute, k.RateLimitBurst, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>The one time a key is seen in clear: the answer to its creation.</summary>
public sealed record CreatedKey(string Key, KeyView Details);

/// <summary>Organisations, projects and API keys: the operations behind <c>/admin/v1/</c> and the gateway's CLI verbs.</summary>
public sealed class KeyAdministration(ITenancyStore tenancy, IApiKeyStore keys, TimeProvider clock)
{
    public Task<Organization> CreateOrganizationAsync(string name, CancellationToken cancellationToken) =>
        tenancy.CreateOrganizationAsync(name, clock.GetUtcNow(), cancellationToken);

    public Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        tenancy.ListOrganizationsAsync(cancellationToken);

    /// <summary>The most days a project's retention may name (a century keeps date arithmetic far from its limits).</summary>
    public const int MaxRetentionDays = 36_500;

    /// <summary>Why <paramref name="days"/> cannot be a project's retention, or null when it can (null itself means the default).</summary>
    public static string? RetentionProblem(long? days) =>
        days is null or (>= 1 and <= MaxRetentionDays)
            ? null
            : $"Ensure this value is between 1 and {MaxRetentionDays} (days), or null for the installation's default.";

    /// <summary>Null when the organisation does not exist.</summary>
    public async Task<Project?> CreateProjectAsync(long organizationId, string name, int? retentionDays, CancellationToken cancellationToken) =>
        await tenancy.GetOrganizationAsync(organizationId, cancellationToken) is null
            ? null
            : await tenancy.CreateProjectAsync(
                new Project { OrganizationId = organizationId, Name = name, RetentionDays = retentionDays, CreatedAt = clock.GetUtcNow() },
                cancellationToken);

    public Task<Project?> GetProjectAsync(long id, CancellationToken cancellationToken) => tenancy.GetProjectAsync(id, cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the stored project; null when there is no such project.</summary>
    public async Task<Project?> UpdateProjectAsync(long id, Func<Project, Project> change, CancellationToken cancellationToken) =>
        await tenancy.GetProjectAsync(id, cancellationToken) is { } project
            ? await tenancy.UpdateProjectAsync(change(project) with { Id = id }, cancellationToken)
            : null;

    public Task<IReadOnlyList<Project>> ListProjectsAsync(long organizationId, CancellationToken cancellationToken) =>
        tenancy.ListProjectsAsync(organizationId, cancellationToken);

    /// <summary>Creates a key; the error names the field when the request does not fit the organisation.</summary>
    public async Task<(CreatedKey? Created, string? Field, string? Error)> CreateKeyAsync(NewKeyRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return (null, "name", "This field may not be blank.");
        }
        if (await tenancy.GetOrganizationAsync(request.OrganizationId, cancellationToken) is null)
        {
            return (null, "organization_id", $"No organisation {request.OrganizationId}.");
        }
        if (request.OrganizationWide == request.ProjectId is not null)
        {
            return (null, "project_id", "Give a project_id, or organization_wide: true for a key of the whole organisation (not both).");
        }
        if (request.ProjectId is { } projectId
            && (await tenancy.GetProjectAsync(projectId, cancellationToken))?.OrganizationId != request.OrganizationId)
        {
            return (null, "project_id", $"No project {projectId} in organisation {request.OrganizationId}.");
        }
        if (request.RateLimitPerMinute is < 1 || request.RateLimitBurst is < 1)
        {
            return (null, "rate_limit_per_minute", "Rate limits must be at least 1.");
        }

        var key = ApiKeyHasher.Generate();
        var stored = await keys.AddAsync(new ApiKeyRecord
        {
            OrganizationId = request.OrganizationId,
            ProjectId = request.ProjectId ?? 0,
            OrganizationWide = request.OrganizationWide,
            Name = request.Name.Trim(),
            Prefix = ApiKeyHasher.VisiblePrefix(key),
            HashHex = ApiKeyHasher.HashHex(key),
            RateLimitPerMinute = request.RateLimitPerMinute,
            RateLimitBurst = request.RateLimitBurst,
            CreatedAt = clock.GetUtcNow(),
        }, cancellationToken);
        return (new CreatedKey(key, KeyView.From(stored)), null, null);
    }

    public async Task<IReadOnlyList<KeyView>> ListKeysAsync(long? organizationId, CancellationToken cancellationToken) =>
        (await keys.ListAsync(organizationId, cancellationToken)).Select(KeyView.From).ToList();

    /// <summary>Revokes a key (idempotently: the first revocation's time stays); null when there is no such key.</summary>
    public Task<ApiKeyRecord?> RevokeAsync(long id, CancellationToken cancellationToken) =>
        keys.RevokeAsync(id, clock.GetUtcNow(), cancellationToken);
}
