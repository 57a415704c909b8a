using Cekura.Contracts.Calls;
using Cekura.Hosting.Calls;

namespace Cekura.Storage.Tests.Calls;

public sealed class CallReevaluationTests
{
    private static readonly DateTimeOffset Now = SampleData.Time.AddHours(1);

    private static CallLog Evaluated() => SampleData.MinimalCall() with
    {
        Stage = CallStage.Evaluated, OutboxPublishedAt = SampleData.Time, Success = false, Status = "failure",
        MetricIds = [5], EvaluationCount = 1,
    };

    [Fact]
    public void Evaluate_metrics_on_an_evaluated_call_owes_the_evaluation_event_for_those_metrics_only()
    {
        var changed = CallReevaluation.EvaluateMetrics(Evaluated(), [1, 5, 1], Now)!;

        Assert.Equal(CallStage.Redacted, changed.Stage);
        Assert.Null(changed.OutboxPublishedAt);
        Assert.Equal(Now, changed.StageChangedAt);
        Assert.Equal([5L, 1L], changed.MetricIds);
        Assert.Equal([1L, 5L], changed.PendingMetricIds);
        // Only a rerun resets the verdict; adding metrics keeps it until the evaluation replaces it.
        Assert.False(changed.Success);
    }

    [Fact]
    public void Evaluate_metrics_while_an_evaluation_is_owed_joins_it()
    {
        var partial = Evaluated() with { Stage = CallStage.Redacted, PendingMetricIds = [2] };
        var full = partial with { PendingMetricIds = null };
        var early = partial with { Stage = CallStage.Received, PendingMetricIds = null };

        Assert.Equal([2L, 3L], CallReevaluation.EvaluateMetrics(partial, [3], Now)!.PendingMetricIds);
        var joined = CallReevaluation.EvaluateMetrics(full, [3], Now)!;
        Assert.Null(joined.PendingMetricIds);
        Assert.Equal(CallStage.Redacted, joined.Stage);
        Assert.Equal([5L, 3L], CallReevaluation.EvaluateMetrics(early, [3], Now)!.MetricIds);
        Assert.Null(CallReevaluation.EvaluateMetrics(early, [5], Now));
    }

    [Fact]
    public void Rerun_of_an_evaluated_call_is_a_full_evaluation_with_the_verdict_reset_unless_reviewed()
    {
        var changed = CallReevaluation.Rerun(Evaluated() with { PendingMetricIds = [1] }, Now)!;
        var reviewed = CallReevaluation.Rerun(Evaluated() with { IsReviewed = true, Status = "reviewed_failure" }, Now)!;

        Assert.Equal(CallStage.Redacted, changed.Stage);
        Assert.Null(changed.PendingMetricIds);
        Assert.Null(changed.Success);
        Assert.Null(changed.Status);
        Assert.Equal("reviewed_failure", reviewed.Status);
        Assert.False(reviewed.Success);
    }

    [Theory]
    [InlineData(CallStage.Received)]
    [InlineData(CallStage.Transcribed)]
    [InlineData(CallStage.Redacted)]
    public void A_failed_call_is_re_driven_from_the_stage_it_failed_at(CallStage failedAt)
    {
        var failed = SampleData.MinimalCall() with
        {
            Stage = CallStage.Failed, FailedAt = failedAt, ErrorMessage = "Transcription failed: boom", OutboxPublishedAt = SampleData.Time,
        };

        var rerun = CallReevaluation.Rerun(failed, Now)!;
        var evaluate = CallReevaluation.EvaluateMetrics(failed, [1], Now)!;

        foreach (var changed in new[] { rerun, evaluate })
        {
            Assert.Equal(failedAt, changed.Stage);
            Assert.Null(changed.FailedAt);
            Assert.Null(changed.ErrorMessage);
            Assert.Null(changed.OutboxPublishedAt);
            Assert.Null(changed.PendingMetricIds);
        }
        // Failed before FailedAt was recorded: start again from the beginning.
        Assert.Equal(CallStage.Received, CallReevaluation.Rerun(failed with { FailedAt = null }, Now)!.Stage);
    }

    [Fact]
    public void Rerun_of_a_call_still_on_its_way_to_a_full_evaluation_changes_nothing()
    {
        Assert.Null(CallReevaluation.Rerun(SampleData.MinimalCall() with { Stage = CallStage.Transcribed }, Now));
    }
}
