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

    /// <summary>False when the project has no such agent. Calls keep the agent id and name they were stored with.</summary>
    Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken);

    /// <summary>The project's agents whose <c>MetricIds</c> hold any of <paramref name="metricIds"/>, in id order.</summary>
    Task<IReadOnlyList<Agent>> ListEnablingAsync(long projectId, IReadOnlyCollection<long> metricIds, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="agentIds"/> exactly the project's agents that enable <paramref name="metricId"/>: adds it to
    /// their <c>MetricIds</c> and removes it from every other agent's, in one step per agent, setting <c>UpdatedAt</c>
    /// on the agents that change. Ids the project has no agent for are ignored (callers check them first).
    /// </summary>
    Task SetMetricAgentsAsync(
        long projectId, long metricId, IReadOnlyCollection<long> agentIds, DateTimeOffset now, CancellationToken cancellationToken);
}

public sealed class DuplicateAssistantIdException(string assistantId)
    : Exception($"An agent with assistant_id '{assistantId}' already exists in this project.");
