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
}
