using Cekura.Contracts.Calls;
using Cekura.Speech.Speakers;
using Cekura.Transcription.SpeechToText;

namespace Cekura.Transcription.Tests.SpeechToText;

public sealed class SpeechToTextTurnsTests
{
    [Fact]
    public void Same_speaker_segments_closer_than_the_merge_gap_are_one_turn()
    {
        var (entries, _, _) = SpeechToTextTurns.Build(
        [
            new SpeechSegment("A", 0.0, 1.0, "Thanks for calling."),
            new SpeechSegment("A", 1.0 + SpeechToTextTurns.MergeGapSeconds - 0.01, 3.0, "How can I help?"),
            new SpeechSegment("A", 3.0 + SpeechToTextTurns.MergeGapSeconds + 0.01, 4.5, "Hello?"),
        ], "test");

        Assert.Equal(["Thanks for calling. How can I help?", "Hello?"], entries.Select(e => e.Content));
        Assert.Equal((0.0, 3.0), (entries[0].StartTime!.Value, entries[0].EndTime!.Value));
    }

    [Fact]
    public void Segments_are_ordered_by_start_and_blank_ones_dropped()
    {
        var (entries, agent, rule) = SpeechToTextTurns.Build(
        [
            new SpeechSegment("1", 5.0, 6.0, "Sure."),
            new SpeechSegment("1", 2.0, 2.5, "   "),
            new SpeechSegment("0", 0.5, 1.5, "Hi, I'd like to book."),
        ], "test");

        Assert.Equal(["Hi, I'd like to book.", "Sure."], entries.Select(e => e.Content));
        Assert.Equal((0, AgentSpeakerRules.FirstSpeaker), (agent, rule));
    }

    [Fact]
    public void Letter_labels_are_numbered_in_the_order_speakers_are_first_heard()
    {
        var (entries, agent, rule) = SpeechToTextTurns.Build(
        [
            new SpeechSegment("B", 0.0, 1.0, "Hello?"),
            new SpeechSegment("A", 2.0, 3.0, "You've reached Acme."),
        ], "test");

        Assert.Equal((1, AgentSpeakerRules.Greeting), (agent, rule));
        Assert.Equal([TranscriptRoles.TestingAgent, TranscriptRoles.MainAgent], entries.Select(e => e.Role));
    }

    [Fact]
    public void An_unlabelled_segment_among_labelled_ones_belongs_to_the_speaker_before_it()
    {
        var (entries, _, _) = SpeechToTextTurns.Build(
        [
            new SpeechSegment("A", 0.0, 1.0, "Thank you for calling Acme."),
            new SpeechSegment("B", 2.0, 3.0, "Hi."),
            new SpeechSegment(null, 5.0, 6.0, "I have a question."),
        ], "test");

        Assert.Equal([TranscriptRoles.MainAgent, TranscriptRoles.TestingAgent, TranscriptRoles.TestingAgent], entries.Select(e => e.Role));
    }

    [Fact]
    public void No_labels_at_all_make_one_undiarized_speaker_recorded_as_the_agent()
    {
        var (entries, agent, rule) = SpeechToTextTurns.Build(
        [
            new SpeechSegment(null, 0.0, 1.0, "Hello?"),
            new SpeechSegment(null, 3.0, 4.0, "Thank you for calling Acme."),
        ], "test");

        Assert.Equal((0, SpeechToTextTurns.UndiarizedRule), (agent, rule));
        Assert.All(entries, e => Assert.Equal(TranscriptRoles.MainAgent, e.Role));
    }

    [Fact]
    public void No_text_at_all_is_an_error_naming_the_backend()
    {
        var error = Assert.Throws<SpeechToTextException>(() => SpeechToTextTurns.Build([new SpeechSegment("A", 0, 1, "")], "OpenAI, model x"));

        Assert.Equal("Speech-to-text (OpenAI, model x) recognised no speech in the recording: the response has no segments with text.", error.Message);
    }
}
