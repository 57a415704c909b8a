using Cekura.Contracts.Agents;

namespace Cekura.Hosting.Storage;

public interface IAgentStore
{
    /// <exception cref="DuplicateAssistantIdException">The project already has an agent with this assistant id.</exception>
    Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken);

    Task<Agent?> GetAsync(long projectId, long id, CancellationToken cancellationToken);

    Task<Agent?> FindByAssistantIdAsync(long projectId, string assistantId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the project's agent <c>agent.Id</c>, except its webhook token, which keeps its stored value whatever
    /// <paramref name="agent"/> holds (so a change made from an agent read before a rotation or revocation cannot bring
    /// the old token back); returns the agent as stored, or null when the project has no such agent.
    /// </summary>
    /// <exception cref="DuplicateAssistantIdException">Another agent of the project has the new assistant id.</exception>
    Task<Agent?> UpdateAsync(Agent agent, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the agent's webhook token (its SHA-256 and visible prefix), replacing any earlier one, or with nulls removes
    /// it, in one step, and sets <c>UpdatedAt</c>; returns the agent as stored, or null when the project has no such agent.
    /// </summary>
    Task<Agent?> SetWebhookTokenAsync(
        long projectId, long id, string? hashHex, string? prefix, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The agent, of any project, whose webhook token has this SHA-256; null when none has.</summary>
    Task<Agent?> FindByWebhookTokenAsync(string hashHex, CancellationToken cancellationToken);

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
