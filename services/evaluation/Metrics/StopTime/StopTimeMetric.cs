namespace Cekura.Evaluation.Metrics.StopTime;

public sealed record StopTimeResult(int Samples, double? MeanMs, double? MaxMs);

public static class StopTimeMetric
{
    /// <summary>
    /// For each caller turn that starts while the agent is speaking (before the latest end of the agent's earlier
    /// turns, the same test as User Interrupting AI), the time the agent kept talking: that end minus the caller's
    /// start. An agent that resumes in a new turn after stopping has stopped; only the speech under way counts.
    /// </summary>
    public static StopTimeResult Compute(IReadOnlyList<SpeechTurn> turns)
    {
        var stops = new List<double>();
        var agentSpeaksUntil = double.NegativeInfinity;
        foreach (var turn in turns)
        {
            if (turn.IsAgent)
            {
                agentSpeaksUntil = Math.Max(agentSpeaksUntil, turn.End);
            }
            else if (turn.Start < agentSpeaksUntil)
            {
                stops.Add((agentSpeaksUntil - turn.Start) * 1000);
            }
        }
        return stops.Count == 0
            ? new StopTimeResult(0, null, null)
            : new StopTimeResult(stops.Count, stops.Average(), stops.Max());
    }
}
