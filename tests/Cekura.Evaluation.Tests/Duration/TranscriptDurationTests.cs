using Cekura.Contracts.Calls;
using Cekura.Transcription.Duration;

namespace Cekura.Evaluation.Tests.Duration;

public sealed class TranscriptDurationTests
{
    private static TranscriptEntry Turn(string role, double? start, double? end) =>
        new() { Role = role, Content = "x", StartTime = start, EndTime = end };

    [Fact]
    public void Duration_is_the_last_end_time() =>
        Assert.Equal(18.269999, TranscriptDuration.Seconds(
        [
            Turn(TranscriptRoles.TestingAgent, 1.4399999, 1.9399999),
            Turn(TranscriptRoles.MainAgent, 3.1, 7.539999511718751),
            Turn(TranscriptRoles.TestingAgent, 12.01, 15.71),
            Turn(TranscriptRoles.MainAgent, 17.609999, 18.269999),
        ]));

    [Fact]
    public void Duration_is_the_latest_end_even_when_an_earlier_turn_ends_last() =>
        Assert.Equal(20, TranscriptDuration.Seconds([Turn(TranscriptRoles.TestingAgent, 0, 20), Turn(TranscriptRoles.MainAgent, 5, 6)]));

    [Fact]
    public void Last_entry_without_end_time_counts_by_its_start() =>
        Assert.Equal(25, TranscriptDuration.Seconds([Turn(TranscriptRoles.TestingAgent, 0, 20), Turn(TranscriptRoles.MainAgent, 25, null)]));

    [Fact]
    public void Untimed_entries_are_ignored() =>
        Assert.Equal(20, TranscriptDuration.Seconds([Turn(TranscriptRoles.MainAgent, 0, 20), Turn(TranscriptRoles.TestingAgent, null, null)]));

    [Fact]
    public void Empty_transcript_has_no_duration() =>
        Assert.Null(TranscriptDuration.Seconds([]));

    [Fact]
    public void Fully_untimed_transcript_has_no_duration() =>
        Assert.Null(TranscriptDuration.Seconds([Turn(TranscriptRoles.MainAgent, null, null), Turn(TranscriptRoles.TestingAgent, null, null)]));
}
