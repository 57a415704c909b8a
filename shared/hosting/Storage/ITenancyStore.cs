using Cekura.Contracts.Tenancy;

namespace Cekura.Hosting.Storage;

/// <summary>Organisations and their projects.</summary>
public interface ITenancyStore
{
    Task<Organization> CreateOrganizationAsync(string name, DateTimeOffset createdAt, CancellationToken cancellationToken);

    Task<Organization?> GetOrganizationAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken);

    Task<Project> CreateProjectAsync(long organizationId, string name, DateTimeOffset createdAt, CancellationToken cancellationToken);

    Task<Project?> GetProjectAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Project>> ListProjectsAsync(long organizationId, CancellationToken cancellationToken);
}
