using Cekura.Contracts.Calls;
using Cekura.Transcription.Timing;

namespace Cekura.Transcription.Tests.Timing;

public sealed class TranscriptTimingTests
{
    private static TranscriptEntry Turn(string role, double? start, double? end) =>
        new() { Role = role, Content = "words", StartTime = start, EndTime = end };

    [Fact]
    public void The_last_start_only_turn_ends_where_the_recording_ends()
    {
        IReadOnlyList<TranscriptEntry> transcript =
        [
            Turn(TranscriptRoles.MainAgent, 0, 2.5),
            Turn(TranscriptRoles.TestingAgent, 3, null),
            new() { Role = TranscriptRoles.FunctionCall, Content = "", Data = new FunctionCallData { Id = "1", Name = "f", Arguments = "{}" } },
        ];

        var closed = TranscriptTiming.CloseLastTurn(transcript, 7.25);

        Assert.Equal(7.25, closed[1].EndTime);
        Assert.Equal(transcript[0], closed[0]);
        Assert.Equal(transcript[2], closed[2]);
        Assert.Null(transcript[1].EndTime); // the input is not changed
    }

    [Fact]
    public void A_transcript_whose_last_turn_has_an_end_is_returned_as_it_is()
    {
        IReadOnlyList<TranscriptEntry> transcript = [Turn(TranscriptRoles.MainAgent, 0, null), Turn(TranscriptRoles.TestingAgent, 3, 4)];

        Assert.Same(transcript, TranscriptTiming.CloseLastTurn(transcript, 9));
    }

    [Fact]
    public void A_recording_shorter_than_the_last_start_never_makes_an_end_before_the_start()
    {
        var closed = TranscriptTiming.CloseLastTurn([Turn(TranscriptRoles.MainAgent, 5, null)], 4.2);

        Assert.Equal(5, closed[0].EndTime);
    }

    [Fact]
    public void Untimed_turns_stay_untimed()
    {
        IReadOnlyList<TranscriptEntry> transcript = [Turn(TranscriptRoles.MainAgent, null, null)];

        Assert.Same(transcript, TranscriptTiming.CloseLastTurn(transcript, 9));
    }
}
