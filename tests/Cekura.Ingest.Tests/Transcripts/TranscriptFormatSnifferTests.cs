using System.Text.Json;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Cekura;

namespace Cekura.Ingest.Tests.Transcripts;

public sealed class TranscriptFormatSnifferTests
{
    private static readonly TranscriptParsers Parsers = new([new CekuraTranscriptParser()]);

    [Theory]
    [InlineData("""[{"role": "bot", "message": "Hi", "time": 1700000000000, "secondsFromStart": 0.5}]""", "vapi")]
    [InlineData("""{"message": {"type": "end-of-call-report", "artifact": {"messages": []}}}""", "vapi")]
    [InlineData("""[{"role": "bot", "message": "Hi", "time": 0.5}]""", "vapi")]
    [InlineData("""{"call_id": "c1", "transcript_object": [{"role": "agent", "content": "Hi", "words": []}]}""", "retell")]
    [InlineData("""[{"role": "agent", "content": "Hi", "words": [{"word": "Hi", "start": 0.1, "end": 0.3}]}]""", "retell")]
    [InlineData("""[{"role": "agent", "message": "Hi", "time_in_call_secs": 0}]""", "elevenlabs")]
    [InlineData("""{"type": "post_call_transcription", "data": {"conversation_id": "x"}}""", "elevenlabs")]
    [InlineData("""{"items": [{"type": "message", "role": "assistant", "content": ["Hi"]}]}""", "livekit")]
    [InlineData("""{"chat_history": {"items": []}}""", "livekit")]
    [InlineData("""{"metadata": {"request_id": "r"}, "results": {"channels": [{"alternatives": [{"words": []}]}]}}""", "deepgram")]
    [InlineData("""[{"role": "assistant", "content": "Hi", "timestamp": "2025-01-01T10:00:00Z"}]""", "pipecat")]
    [InlineData("""[{"role": "Main Agent", "content": "Hi", "start_time": 0, "end_time": 1}]""", "cekura")]
    public void Provider_shapes_are_recognised(string json, string expected) =>
        Assert.Equal(expected, TranscriptFormatSniffer.Guess(JsonDocument.Parse(json).RootElement));

    [Theory]
    [InlineData("""{"a": 1}""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("\"text\"")]
    public void Unknown_shapes_are_not_guessed(string json) =>
        Assert.Null(TranscriptFormatSniffer.Guess(JsonDocument.Parse(json).RootElement));

    [Fact]
    public void Livekit_list_form_with_number_timestamps_is_not_taken_for_pipecat() =>
        Assert.Null(TranscriptFormatSniffer.Guess(JsonDocument.Parse("""[{"role": "assistant", "content": "Hi", "timestamp": 0.52}]""").RootElement));

    [Fact]
    public void Another_providers_transcript_sent_as_cekura_names_the_type_to_use()
    {
        var vapi = JsonDocument.Parse("""[{"role": "bot", "message": "Hi there", "time": 1700000000000, "secondsFromStart": 0.5}]""").RootElement;
        var error = Assert.Throws<TranscriptFormatException>(() => Parsers.Parse("cekura", vapi));
        Assert.Equal("this looks like a vapi transcript, not cekura: set transcript_type to \"vapi\"", error.Problems[0]);
        Assert.Contains(error.Problems, p => p.StartsWith("entry 0: role 'bot'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cekura_transcript_with_a_bad_role_gets_no_format_hint()
    {
        var cekura = JsonDocument.Parse("""[{"role": "Main Agent", "content": "Hi", "start_time": 0}, {"role": "agent", "content": "x", "start_time": 1}]""").RootElement;
        var error = Assert.Throws<TranscriptFormatException>(() => Parsers.Parse("vocera", cekura));
        Assert.All(error.Problems, p => Assert.DoesNotContain("looks like", p));
    }
}
