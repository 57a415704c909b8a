using Cekura.Speech.Speakers;

namespace Cekura.Speech.Tests.Speakers;

public sealed class AgentSpeakerRulesTests
{
    [Fact]
    public void A_strong_greeting_names_the_agent_even_when_the_caller_speaks_first() =>
        Assert.Equal((1, AgentSpeakerRules.Greeting),
            AgentSpeakerRules.Decide([(0, "Hello?"), (1, "Thanks for calling Acme, how can I help?"), (0, "Hi.")]));

    [Fact]
    public void A_strong_greeting_wins_over_an_earlier_weak_one() =>
        Assert.Equal((1, AgentSpeakerRules.Greeting),
            AgentSpeakerRules.Decide([(0, "Hi, this is Dana."), (1, "You\u2019ve reached Northwind support.")]));

    [Fact]
    public void A_weak_greeting_decides_when_there_is_no_strong_one() =>
        Assert.Equal((3, AgentSpeakerRules.Greeting),
            AgentSpeakerRules.Decide([(2, "Hello?"), (3, "Hi, my name is Ava."), (2, "Okay.")]));

    [Fact]
    public void Phrases_match_whole_words_only() =>
        Assert.Equal((0, AgentSpeakerRules.FirstSpeaker),
            AgentSpeakerRules.Decide([(0, "Hello?"), (1, "Is this island nice? Nonspeaking.")]));

    [Fact]
    public void Only_the_opening_turns_are_read()
    {
        var turns = Enumerable.Range(0, AgentSpeakerRules.OpeningTurns).Select(i => (i % 2, "Hello?")).Append((1, "Thank you for calling.")).ToList();

        Assert.Equal((0, AgentSpeakerRules.FirstSpeaker), AgentSpeakerRules.Decide(turns));
    }

    [Fact]
    public void No_greeting_makes_the_first_speaker_the_agent() =>
        Assert.Equal((5, AgentSpeakerRules.FirstSpeaker), AgentSpeakerRules.Decide([(5, "Hello?"), (6, "Hi there.")]));

    [Fact]
    public void No_turns_is_an_argument_error() =>
        Assert.Throws<ArgumentException>(() => AgentSpeakerRules.Decide([]));
}
