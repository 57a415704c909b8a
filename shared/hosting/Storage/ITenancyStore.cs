using Cekura.Contracts.Tenancy;

namespace Cekura.Hosting.Storage;

/// <summary>Organisations and their projects.</summary>
public interface ITenancyStore
{
    Task<Organization> CreateOrganizationAsync(string name, DateTimeOffset createdAt, CancellationToken cancellationToken);

    Task<Organization?> GetOrganizationAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="project"/> under a new id (its own <c>Id</c> is ignored).</summary>
    Task<Project> CreateProjectAsync(Project project, CancellationToken cancellationToken);

    /// <summary>Replaces the stored project of the same id (its organisation stays); null when there is none.</summary>
    Task<Project?> UpdateProjectAsync(Project project, CancellationToken cancellationToken);

    Task<Project?> GetProjectAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Project>> ListProjectsAsync(long organizationId, CancellationToken cancellationToken);
}
