using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Tests.Transcripts;

public sealed class TranscriptTextTests
{
    private static TranscriptEntry Turn(string role, string content, double? start, double? end = null) =>
        new() { Role = role, Content = content, StartTime = start, EndTime = end };

    [Fact]
    public void Each_speech_turn_is_one_line_with_its_start_time()
    {
        var text = TranscriptText.Render(
        [
            Turn(TranscriptRoles.TestingAgent, "Hello.", 1.4399999, 1.9399999),
            Turn(TranscriptRoles.MainAgent, "Hello, how can I help you today?", 3.1, 7.54),
            Turn(TranscriptRoles.TestingAgent, "Well, I mean, sure.", 12.01, 15.71),
            Turn(TranscriptRoles.MainAgent, "6 PM.", 17.609999, 18.269999),
        ]);

        Assert.Equal(
            "[00:01] Testing Agent: Hello.\n" +
            "[00:03] Main Agent: Hello, how can I help you today?\n" +
            "[00:12] Testing Agent: Well, I mean, sure.\n" +
            "[00:17] Main Agent: 6 PM.",
            text);
    }

    [Fact]
    public void Function_entries_are_not_rendered()
    {
        var text = TranscriptText.Render(
        [
            Turn(TranscriptRoles.TestingAgent, "Book me at six.", 0, 2),
            new TranscriptEntry
            {
                Role = TranscriptRoles.FunctionCall, Content = "", StartTime = 2.5,
                Data = new FunctionCallData { Id = "c1", Name = "book", Arguments = "{}" },
            },
            new TranscriptEntry
            {
                Role = TranscriptRoles.FunctionCallResult, Content = "", StartTime = 2.7,
                Data = new FunctionCallData { Id = "c1", Name = "book", Result = "ok" },
            },
            Turn(TranscriptRoles.MainAgent, "Done.", 3, 4),
        ]);

        Assert.Equal("[00:00] Testing Agent: Book me at six.\n[00:03] Main Agent: Done.", text);
    }

    [Fact]
    public void Minutes_go_past_59()
    {
        Assert.Equal("[62:05] Main Agent: Still there?", TranscriptText.Render([Turn(TranscriptRoles.MainAgent, "Still there?", 3725)]));
    }

    [Fact]
    public void Empty_transcript_renders_as_empty_text() =>
        Assert.Equal("", TranscriptText.Render([]));

    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(0.999, "00:00")]
    [InlineData(59.99, "00:59")]
    [InlineData(60, "01:00")]
    [InlineData(70.5, "01:10")]
    [InlineData(3599, "59:59")]
    [InlineData(3600, "60:00")]
    [InlineData(3725, "62:05")]
    [InlineData(360000, "6000:00")]
    [InlineData(-3, "00:00")]
    public void Clock_is_minutes_and_seconds_rounded_down(double seconds, string expected) =>
        Assert.Equal(expected, TranscriptText.Clock(seconds));
}
