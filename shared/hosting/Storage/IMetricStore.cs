using Cekura.Contracts.Metrics;

namespace Cekura.Hosting.Storage;

/// <summary>A project's own metrics. Ids start at <see cref="MetricDefinition.FirstCustomId"/>.</summary>
public interface IMetricStore
{
    Task<MetricDefinition> CreateAsync(MetricDefinition metric, CancellationToken cancellationToken);

    Task<MetricDefinition?> GetAsync(long projectId, long id, CancellationToken cancellationToken);

    /// <summary>The project's metrics among <paramref name="ids"/>, in id order; ids it does not have are left out.</summary>
    Task<IReadOnlyList<MetricDefinition>> GetManyAsync(long projectId, IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the project's metrics in id order, with the total. With <paramref name="agentId"/>, only the metrics
    /// that agent of the project has enabled (its <c>MetricIds</c>); none when the project has no such agent.
    /// </summary>
    Task<(long Count, IReadOnlyList<MetricDefinition> Items)> ListAsync(
        long projectId, int page, int pageSize, long? agentId, CancellationToken cancellationToken);

    /// <summary>Replaces the project's metric <c>metric.Id</c>; null when the project has no such metric.</summary>
    Task<MetricDefinition?> UpdateAsync(MetricDefinition metric, CancellationToken cancellationToken);

    /// <summary>False when the project has no such metric. Agents that enable it are not changed here.</summary>
    Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken);
}
