using Cekura.Contracts.Calls;
using Cekura.Evaluation.Metrics.Repetition;

namespace Cekura.Evaluation.Tests.Metrics.Repetition;

public sealed class RepetitionMetricTests
{
    private static TranscriptEntry Agent(string content) => new() { Role = TranscriptRoles.MainAgent, Content = content };
    private static TranscriptEntry Caller(string content) => new() { Role = TranscriptRoles.TestingAgent, Content = content };

    [Fact]
    public void Hand_computed_repeats_are_agent_turns_near_identical_to_an_earlier_one()
    {
        // Agent turns (0-based): 0 {could you tell me your date of birth} 8 tokens.
        // 1 "Okay." 1 token: too short to count, either side.
        // 2 adds "please": |A ∩ B| = 8, |A ∪ B| = 9, 8/9 = 0.89 >= 0.8: a repeat.
        // 3 {what is your date of birth}: vs 0: 4 / (8 + 6 - 4) = 0.4; vs 2: 4 / 11 = 0.36: not a repeat.
        // 4 upper case, no punctuation: the same set as 0, 1.0: a repeat. 5 "Okay." again: too short.
        // The caller's identical sentence is not the agent's. Count 2, at agent turns 2 and 4.
        var result = RepetitionMetric.Compute(
        [
            Agent("Could you tell me your date of birth?"),
            Caller("Could you tell me your date of birth?"),
            Agent("Okay."),
            Agent("Could you tell me your date of birth, please?"),
            Agent("What is your date of birth?"),
            Agent("COULD YOU TELL ME YOUR DATE OF BIRTH"),
            Agent("Okay."),
        ]);

        Assert.Equal(2, result.Count);
        Assert.Equal([2, 4], result.Repeated);
    }

    [Fact]
    public void Jaccard_of_exactly_the_threshold_is_a_repeat_and_below_it_is_not()
    {
        // {one two three four} vs {one two three four five}: 4/5 = 0.8. vs {one two three six}: 3/5 = 0.6.
        Assert.Equal(1, RepetitionMetric.Compute([Agent("one two three four"), Agent("one two three four five")]).Count);
        Assert.Equal(0, RepetitionMetric.Compute([Agent("one two three four"), Agent("one two three six")]).Count);
    }

    [Fact]
    public void Turns_under_four_tokens_never_count() =>
        Assert.Equal(0, RepetitionMetric.Compute([Agent("Yes, sure, ok."), Agent("yes sure ok")]).Count);

    [Fact]
    public void Tokens_are_lower_cased_with_punctuation_as_a_separator() =>
        Assert.Equal(["don't", "call", "me", "at", "5pm"], RepetitionMetric.Tokens("Don't call me—at 5PM!"));

    [Fact]
    public void Random_transcripts_give_what_sets_of_strings_give()
    {
        // The metric compares sorted token numbers; this is the definition spelled out with sets of strings, on
        // transcripts from a small vocabulary (with case, punctuation and apostrophes) so that many turns repeat.
        string[] words = ["date", "Birth", "could", "you", "tell", "me", "your", "of", "please", "don't", "'okay'", "5PM", "'", "café"];
        string[] separators = [" ", ", ", "? ", "—", "  ", "!"];
        string[] templates = ["could you tell me your date of birth", "don't call me at 5PM", "'okay' café", "your date of 'birth' please tell me"];
        var random = new Random(16);
        var repeats = 0;
        for (var call = 0; call < 300; call++)
        {
            var transcript = new List<TranscriptEntry>();
            for (var turn = random.Next(1, 40); turn > 0; turn--)
            {
                // A template sentence with a word or two dropped or added: close to an earlier turn, or not.
                var template = templates[random.Next(templates.Length)].Split(' ')
                    .Where(_ => random.Next(8) != 0)
                    .Concat(Enumerable.Range(0, random.Next(2)).Select(_ => words[random.Next(words.Length)]));
                var text = string.Concat(template.Select(w => (random.Next(4) == 0 ? w.ToUpperInvariant() : w) + separators[random.Next(separators.Length)]));
                transcript.Add(random.Next(3) == 0 ? Caller(text) : Agent(text));
            }

            var result = RepetitionMetric.Compute(transcript);

            var expected = WithSetsOfStrings(transcript);
            Assert.Equal(expected, result.Repeated);
            Assert.Equal(expected.Count, result.Count);
            repeats += expected.Count;
        }
        Assert.True(repeats > 100, $"the random transcripts should repeat often; {repeats} repeats");
    }

    private static List<int> WithSetsOfStrings(IReadOnlyList<TranscriptEntry> transcript)
    {
        var earlier = new List<HashSet<string>>();
        var repeated = new List<int>();
        var agentTurns = transcript.Where(e => e.Role == TranscriptRoles.MainAgent).ToList();
        for (var i = 0; i < agentTurns.Count; i++)
        {
            var tokens = new string(agentTurns[i].Content.Select(c => char.IsLetterOrDigit(c) || c == '\'' ? char.ToLowerInvariant(c) : ' ').ToArray())
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('\'')).Where(t => t.Length > 0).ToHashSet();
            if (tokens.Count < RepetitionMetric.MinTokens)
            {
                continue;
            }
            if (earlier.Any(e => (double)e.Intersect(tokens).Count() / e.Union(tokens).Count() >= RepetitionMetric.MinJaccard))
            {
                repeated.Add(i);
            }
            earlier.Add(tokens);
        }
        return repeated;
    }
}
