using Cekura.Contracts.Calls;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Calls;

/// <summary>What replacing a call's transcript (PATCH) does to the stored call, and how the chain's stages honour it.</summary>
public sealed class TranscriptReplacementTests : IDisposable
{
    private static readonly DateTimeOffset Now = SampleData.Time.AddHours(1);
    private static readonly TranscriptEntry[] NewTranscript =
    [
        new() { Role = TranscriptRoles.MainAgent, Content = "New words.", StartTime = 0.5, EndTime = 1.5 },
    ];

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-replace-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private static CallLog Evaluated() => SampleData.MinimalCall() with
    {
        Stage = CallStage.Evaluated, OutboxPublishedAt = SampleData.Time, Success = false, Status = "failure", EvaluationCount = 1,
        Metrics = [new MetricResult { Id = 1, Name = "Latency", Type = "numeric", Score = 900 }], Topic = "booking",
        TranscriptObject = [new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Old words." }],
    };

    private static CallLogChanges Replace(string? freshKey = null) => new()
    {
        Transcript = new TranscriptReplacement { TranscriptType = "cekura", Entries = NewTranscript, DataKeyId = freshKey },
    };

    [Fact]
    public void A_new_transcript_sends_the_call_back_to_the_start_with_its_event_owed_and_the_old_results_gone()
    {
        var changed = CallLogReview.Apply(Evaluated() with { PendingMetricIds = [3] }, Replace(), Now);

        Assert.Equal(CallStage.Received, changed.Stage);
        Assert.Equal(Now, changed.StageChangedAt);
        Assert.Null(changed.OutboxPublishedAt);
        Assert.Equal(NewTranscript, changed.TranscriptObject);
        Assert.Equal(1, changed.TranscriptRevision);
        Assert.Empty(changed.Metrics);
        Assert.Null(changed.Topic);
        Assert.Null(changed.PendingMetricIds);
        Assert.Null(changed.Success);
        Assert.Null(changed.Status);
        Assert.Null(changed.DataKeyId);
    }

    [Fact]
    public void A_failed_call_is_cleared_of_its_failure_and_a_reviewed_one_keeps_its_verdict_unless_withdrawn()
    {
        var failed = Evaluated() with { Stage = CallStage.Failed, FailedAt = CallStage.Transcribed, ErrorMessage = "broke" };
        var reviewed = Evaluated() with { IsReviewed = true, Status = "reviewed_success", Success = true };

        var redriven = CallLogReview.Apply(failed, Replace(), Now);
        var kept = CallLogReview.Apply(reviewed, Replace(), Now);
        var withdrawn = CallLogReview.Apply(reviewed, Replace() with { IsReviewed = false }, Now);

        Assert.Equal(CallStage.Received, redriven.Stage);
        Assert.Null(redriven.FailedAt);
        Assert.Null(redriven.ErrorMessage);
        Assert.Equal("reviewed_success", kept.Status);
        Assert.True(kept.Success);
        Assert.False(withdrawn.IsReviewed);
        Assert.Null(withdrawn.Success);
        Assert.Null(withdrawn.Status);
    }

    [Fact]
    public void A_call_asking_for_redaction_is_sealed_under_the_fresh_key_unless_it_still_holds_a_live_one()
    {
        var redacted = Evaluated() with { RedactFields = ["credit_card"] };
        var stillSealed = redacted with { Stage = CallStage.Transcribed, DataKeyId = "live" };

        Assert.Equal("fresh", CallLogReview.Apply(redacted, Replace("fresh"), Now).DataKeyId);
        Assert.Equal("live", CallLogReview.Apply(stillSealed, Replace("fresh"), Now).DataKeyId);
        Assert.Throws<InvalidOperationException>(() => CallLogReview.Apply(redacted, Replace(), Now));
    }

    [Fact]
    public async Task A_stage_that_worked_on_the_replaced_transcript_records_nothing()
    {
        var store = new SqliteCallStore(new SqliteDatabase(_path));
        var writer = new CallLogWriter(store, TimeProvider.System);
        var read = await store.InsertAsync(SampleData.MinimalCall() with { Stage = CallStage.Received }, CancellationToken.None);
        // The transcript is replaced while the stage works on what it read.
        await writer.UpdateAsync(read.Id, c => CallLogReview.Apply(c, Replace(), Now), CancellationToken.None);

        var stale = await writer.AdvanceAsync(read.Id, CallStage.Received, CallStage.Transcribed, c => c with { DurationSeconds = 99 },
            CancellationToken.None, read.TranscriptRevision);
        var staleFailure = await writer.FailAsync(read.Id, CallStage.Received, "old transcript broke", CancellationToken.None, read.TranscriptRevision);

        Assert.Null(stale);
        Assert.Null(staleFailure);
        var stored = (await store.GetForWorkerAsync(read.Id, CancellationToken.None))!;
        Assert.Equal(CallStage.Received, stored.Stage);
        Assert.Null(stored.DurationSeconds);
        Assert.Equal(NewTranscript.Select(e => e.Content), stored.TranscriptObject.Select(e => e.Content));
        // A stage that read the new transcript records its result.
        Assert.NotNull(await writer.AdvanceAsync(read.Id, CallStage.Received, CallStage.Transcribed, c => c with { DurationSeconds = 1.5 },
            CancellationToken.None, stored.TranscriptRevision));
    }

    [Fact]
    public async Task A_stage_writing_on_the_call_it_read_keeps_changes_made_meanwhile_and_honours_a_replaced_transcript()
    {
        var store = new SqliteCallStore(new SqliteDatabase(_path));
        var writer = new CallLogWriter(store, TimeProvider.System);
        var read = await store.InsertAsync(SampleData.MinimalCall() with { Stage = CallStage.Received }, CancellationToken.None);
        // Written on the read as it is: nothing changed since, so one write and no second read.
        var first = await writer.AdvanceAsync(read, CallStage.Received, CallStage.Transcribed, c => c with { DurationSeconds = 2 }, CancellationToken.None);
        Assert.Equal((CallStage.Transcribed, 2.0, 2), (first!.Stage, first.DurationSeconds!.Value, first.Version));

        // A review lands while the next stage works on its (now older) read: the stage's write must not undo it.
        await writer.UpdateAsync(first.Id, c => c with { Feedback = "reviewed meanwhile" }, CancellationToken.None);
        var second = await writer.AdvanceAsync(first, CallStage.Transcribed, CallStage.Redacted, c => c with { Topic = "booking" }, CancellationToken.None);
        Assert.Equal((CallStage.Redacted, "booking", "reviewed meanwhile"), (second!.Stage, second.Topic, second.Feedback));

        // The transcript replaced while the stage worked: its result belongs to the old one and is not recorded.
        await writer.UpdateAsync(second.Id, c => CallLogReview.Apply(c, Replace(), Now), CancellationToken.None);
        Assert.Null(await writer.AdvanceAsync(second, CallStage.Redacted, CallStage.Evaluated, c => c with { Success = true }, CancellationToken.None));
        Assert.Equal(CallStage.Received, (await store.GetForWorkerAsync(read.Id, CancellationToken.None))!.Stage);
    }
}
