using Cekura.Evaluation.Llm.Prompts;

namespace Cekura.Evaluation.Tests.Llm;

public sealed class TranscriptExcerptTests
{
    [Fact]
    public void A_transcript_that_fits_is_sent_whole()
    {
        var excerpt = TranscriptExcerpt.Of(SampleCall.Transcript, 1000);

        Assert.Equal((SampleCall.Transcript, 0, false), (excerpt.Text, excerpt.OmittedCharacters, excerpt.IsShortened));
        Assert.Null(excerpt.Note(1000));
    }

    [Fact]
    public void A_long_transcript_keeps_whole_lines_at_both_ends_and_counts_what_it_left_out()
    {
        var lines = Enumerable.Range(0, 500).Select(i => $"[{i / 60:00}:{i % 60:00}] Main Agent: sentence number {i}.").ToList();
        var transcript = string.Join('\n', lines);

        var excerpt = TranscriptExcerpt.Of(transcript, 3000);

        Assert.True(excerpt.Text.Length <= 3000, $"{excerpt.Text.Length} characters");
        var kept = excerpt.Text.Split('\n');
        var marker = Assert.Single(kept, l => l.StartsWith("[... ", StringComparison.Ordinal));
        Assert.Equal($"[... {excerpt.OmittedCharacters} characters of the transcript left out ...]", marker);
        // Every other line is a whole line of the transcript, from its start and from its end, in order.
        var head = kept.TakeWhile(l => l != marker).ToList();
        var tail = kept.SkipWhile(l => l != marker).Skip(1).ToList();
        Assert.Equal(lines.Take(head.Count), head);
        Assert.Equal(lines.TakeLast(tail.Count), tail);
        Assert.Equal(transcript.Length, string.Join('\n', head).Length + excerpt.OmittedCharacters + string.Join('\n', tail).Length);
    }

    [Fact]
    public void One_long_line_is_cut_inside_it_without_splitting_a_surrogate_pair()
    {
        var transcript = "[00:00] Testing Agent: " + string.Concat(Enumerable.Repeat("🙂 ok ", 2000));

        var excerpt = TranscriptExcerpt.Of(transcript, 1000);

        Assert.True(excerpt.Text.Length <= 1000);
        Assert.StartsWith("[00:00] Testing Agent: 🙂 ok", excerpt.Text);
        for (var i = 0; i < excerpt.Text.Length; i++)
        {
            if (char.IsHighSurrogate(excerpt.Text[i]))
            {
                Assert.True(i + 1 < excerpt.Text.Length && char.IsLowSurrogate(excerpt.Text[i + 1]), $"unpaired at {i}");
            }
            else if (char.IsLowSurrogate(excerpt.Text[i]))
            {
                Assert.True(i > 0 && char.IsHighSurrogate(excerpt.Text[i - 1]), $"unpaired at {i}");
            }
        }
    }
}
