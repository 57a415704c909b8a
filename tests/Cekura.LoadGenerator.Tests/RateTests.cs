using Cekura.LoadGenerator.Measuring;
using Cekura.LoadGenerator.Running;

namespace Cekura.LoadGenerator.Tests;

public sealed class RateTests
{
    [Fact]
    public void Open_loop_requests_are_due_on_a_fixed_schedule_whatever_came_back()
    {
        var schedule = new OpenLoopSchedule(ratePerSecond: 40, durationSeconds: 2.5);
        Assert.Equal(100, schedule.Count);
        Assert.Equal(0, schedule.DueAt(0));
        Assert.Equal(0.25, schedule.DueAt(10), 9);
        Assert.Equal(1, schedule.DueBy(0));          // the first request is due at once
        Assert.Equal(11, schedule.DueBy(0.25));
        Assert.Equal(41, schedule.DueBy(1.0));
        Assert.Equal(100, schedule.DueBy(60));       // a late scheduler catches up, never past the count
        Assert.Equal(0, schedule.DueBy(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, 1));
    }

    [Fact]
    public void Closed_loop_throughput_counts_only_answers_inside_the_window()
    {
        var phase = new PhaseResult("ingest", "concurrency 2", noOp: false) { WindowSeconds = 2, Seconds = 3.5 };
        for (var i = 0; i < 10; i++)
        {
            phase.Record("201", 5, null, inWindow: i < 8);
        }
        phase.Record("503", 5, null);
        Assert.Equal(10, phase.Accepted);
        Assert.Equal(4, phase.AcceptedPerSecond);   // 8 inside 2 s
        Assert.Equal(1, phase.ErrorCount);
        Assert.Equal(["503"], phase.Errors.Select(e => e.Key));

        var open = new PhaseResult("ingest", "rate 5/s", noOp: false) { Seconds = 4 };
        for (var i = 0; i < 20; i++)
        {
            open.Record("201", 5, null, inWindow: false);
        }
        open.RecordDropped();
        Assert.Equal(5, open.AcceptedPerSecond);
        Assert.Equal(1, open.Outcomes["dropped"]);
    }

    [Fact]
    public void Latency_is_split_by_whether_the_request_carried_a_recording()
    {
        var phase = new PhaseResult("ingest", "rate 10/s", noOp: false);
        for (var i = 1; i <= 9; i++)
        {
            phase.Record("201", i, null);
        }
        phase.Record("201", 250, null, withRecording: true);

        Assert.Equal(10, phase.Latency.Count);
        Assert.Equal(250, phase.Latency.At(99));
        Assert.Equal(9, phase.LatencyWithoutRecording.At(99));
        Assert.Equal([250.0], [phase.LatencyWithRecording.At(50)]);
        Assert.Equal(1, phase.LatencyWithRecording.Count);
    }

    [Fact]
    public void Stage_throughput_is_completions_per_second_between_first_and_last()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        var times = Enumerable.Range(0, 21).Select(i => (DateTimeOffset?)(t0 + TimeSpan.FromSeconds(i * 0.5))).Append(null).ToList();
        Assert.Equal(2, ChainStatistics.Throughput(times), 9);
        Assert.True(double.IsNaN(ChainStatistics.Throughput([t0])));
    }

    [Fact]
    public void Backlog_counts_transcript_only_calls_sent_and_not_yet_evaluated()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        TrackedCall Call(int id, double sent, double? evaluated, bool recording = false) =>
            new(new AcceptedCall(id, t0.AddSeconds(sent), recording, "cekura")) { EvaluatedAt = evaluated is { } e ? t0.AddSeconds(e) : null };
        var chain = new ChainStatistics([Call(1, 0, 3), Call(2, 1, 10), Call(3, 2, null), Call(4, 6, 7), Call(5, 0, null, recording: true)]);
        Assert.Equal(3, chain.TranscriptOnlyBacklog(t0.AddSeconds(2)));   // 1, 2 and 3 sent, none evaluated; the recording is not counted
        Assert.Equal(3, chain.TranscriptOnlyBacklog(t0.AddSeconds(6)));   // 1 done; 4 just sent
        Assert.Equal(1, chain.TranscriptOnlyBacklog(t0.AddSeconds(20)));  // only 3, never evaluated
        Assert.Equal(3, chain.Evaluated);
        Assert.Equal(new Dictionary<string, int> { ["unknown"] = 2 }, chain.Left);
        Assert.Equal(3, chain.CompletionSeconds(withRecording: false).At(50));
    }

    [Fact]
    public void Completion_time_believes_the_servers_clock_only_between_send_and_sight()
    {
        var sent = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var seen = sent.AddSeconds(10);
        Assert.Equal(sent.AddSeconds(7.25), CompletionTracker.CompletionTime(sent, seen, "2026-12-01T12:00:07.250000Z"));
        Assert.Equal(seen, CompletionTracker.CompletionTime(sent, seen, "2026-12-01T13:00:07.250000Z"));   // skewed server clock
        Assert.Equal(seen, CompletionTracker.CompletionTime(sent, seen, null));
        Assert.Equal(sent, CompletionTracker.CompletionTime(sent, seen, "2026-12-01T11:59:59.500000Z"));  // within the slack
    }
}
