using Cekura.Contracts.Calls;
using Cekura.Evaluation.Metrics.TurnCounts;

namespace Cekura.Evaluation.Tests.Metrics.TurnCounts;

public sealed class TurnCountMetricTests
{
    [Fact]
    public void Hand_computed_counts_include_untimed_turns_and_separate_function_entries()
    {
        // Agent: 2 (one untimed); caller: 3; function calls: 1; results: 1. Speech turns 2 + 3 = 5.
        TranscriptEntry[] transcript =
        [
            new() { Role = TranscriptRoles.TestingAgent, Content = "Hi", StartTime = 0, EndTime = 1 },
            new() { Role = TranscriptRoles.MainAgent, Content = "Hello", StartTime = 1, EndTime = 2 },
            new() { Role = TranscriptRoles.TestingAgent, Content = "Book", StartTime = 2, EndTime = 3 },
            new() { Role = TranscriptRoles.FunctionCall, Content = "", Data = new FunctionCallData { Id = "1", Name = "b", Arguments = "{}" } },
            new() { Role = TranscriptRoles.FunctionCallResult, Content = "", Data = new FunctionCallData { Id = "1", Name = "b", Result = "ok" } },
            new() { Role = TranscriptRoles.MainAgent, Content = "Done" },
            new() { Role = TranscriptRoles.TestingAgent, Content = "Bye" },
        ];

        var result = TurnCountMetric.Compute(transcript);

        Assert.Equal(new TurnCountResult(2, 3, 1, 1), result);
        Assert.Equal(5, result.Speech);
    }
}
