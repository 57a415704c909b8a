using Cekura.Contracts.Agents;

namespace Cekura.Hosting.Storage;

public interface IAgentStore
{
    /// <exception cref="DuplicateAssistantIdException">The project already has an agent with this assistant id.</exception>
    Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken);

    Task<Agent?> GetAsync(long projectId, long id, CancellationToken cancellationToken);

    Task<Agent?> FindByAssistantIdAsync(long projectId, string assistantId, CancellationToken cancellationToken);

    /// <summary>Replaces the project's agent <c>agent.Id</c>; null when the project has no such agent.</summary>
    /// <exception cref="DuplicateAssistantIdException">Another agent of the project has the new assistant id.</exception>
    Task<Agent?> UpdateAsync(Agent agent, CancellationToken cancellationToken);

    Task<(long Count, IReadOnlyList<Agent> Items)> ListAsync(long projectId, int page, int pageSize, CancellationToken cancellationToken);
}

public sealed class DuplicateAssistantIdException(string assistantId)
    : Exception($"An agent with assistant_id '{assistantId}' already exists in this project.");
