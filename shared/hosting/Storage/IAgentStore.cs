using Cekura.Contracts.Agents;

namespace Cekura.Hosting.Storage;

public interface IAgentStore
{
    /// <exception cref="DuplicateAssistantIdException">The project already has an agent with this assistant id.</exception>
    Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken);

    Task<Agent?> GetAsync(long projectId, long id, CancellationToken cancellationToken);

    Task<Agent?> FindByAssistantIdAsync(long projectId, string assistantId, CancellationToken cancellationToken);

    Task<(long Count, IReadOnlyList<Agent> Items)> ListAsync(long projectId, int page, int pageSize, CancellationToken cancellationToken);
}

public sealed class DuplicateAssistantIdException(string assistantId)
    : Exception($"An agent with assistant_id '{assistantId}' already exists in this project.");
