namespace Cekura.Contracts.Metrics;

/// <summary>A metric that ships with the system; its id is stable across installations.</summary>
public sealed record PredefinedMetric(long Id, string Name, string Type, string Description);

/// <summary>The catalogue of predefined metrics: ingest validates <c>metric_ids</c> against it, evaluation computes them.</summary>
public static class PredefinedMetrics
{
    public static readonly PredefinedMetric Latency = new(
        1, "Latency", "numeric", "Gap in ms from the end of the caller's speech to the agent's reply: mean, P50, P90.");

    public static readonly PredefinedMetric AiInterruptingUser = new(
        2, "AI Interrupting User", "numeric", "Agent turns that start before the caller has finished speaking.");

    public static readonly PredefinedMetric UserInterruptingAi = new(
        3, "User Interrupting AI", "numeric", "Caller turns that start before the agent has finished speaking.");

    public static readonly IReadOnlyList<PredefinedMetric> All = [Latency, AiInterruptingUser, UserInterruptingAi];

    public static PredefinedMetric? Find(long id) => All.FirstOrDefault(m => m.Id == id);
}
