using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Metrics.TurnCounts;

public sealed record TurnCountResult(int Agent, int Caller, int FunctionCalls, int FunctionResults)
{
    public int Speech => Agent + Caller;
}

public static class TurnCountMetric
{
    /// <summary>Counts transcript entries by role; untimed turns count too, since no time is needed.</summary>
    public static TurnCountResult Compute(IReadOnlyList<TranscriptEntry> transcript) => new(
        transcript.Count(e => e.Role == TranscriptRoles.MainAgent),
        transcript.Count(e => e.Role == TranscriptRoles.TestingAgent),
        transcript.Count(e => e.Role == TranscriptRoles.FunctionCall),
        transcript.Count(e => e.Role == TranscriptRoles.FunctionCallResult));
}
