using Cekura.Evaluation.Llm.Judge;

namespace Cekura.Evaluation.Tests.Llm;

public static class JudgeAssert
{
    /// <summary>Not evaluated for exactly this reason, which is also the whole explanation; no score, value or enum.</summary>
    public static void NotEvaluated(JudgeOutcome outcome, string reason)
    {
        Assert.False(outcome.IsEvaluated);
        Assert.Equal(reason, outcome.NotEvaluatedReason);
        Assert.Equal([reason], outcome.Explanation);
        Assert.Null(outcome.Score);
        Assert.Null(outcome.Value);
        Assert.Null(outcome.Enum);
    }
}
