using System.Text;

namespace Cekura.Speech.Speakers;

/// <summary>
/// Decides which diarized speaker (or channel) of a two-party call is the voice agent, from what is said at the
/// start of the call. Shared by the Deepgram transcript parser (ingest) and the speech-to-text backends
/// (transcription), so a call gets the same agent whichever way its transcript was made. The rules, tried in order:
/// <list type="number">
/// <item><see cref="MainAgentChannelIndex"/>: the caller told us (decided by the caller of this class, not here).</item>
/// <item><see cref="Greeting"/>: among the first <see cref="OpeningTurns"/> turns, the first one that sounds like an
/// agent opening the call ("thank you for calling", "how can I help", "welcome to", "you've reached" ...) names the
/// agent; only when none does, the first with a weaker sign ("this is", "my name is", "speaking", "calling from").</item>
/// <item><see cref="FirstSpeaker"/>: whoever speaks first (an answering agent usually does).</item>
/// </list>
/// </summary>
public static class AgentSpeakerRules
{
    public const string MainAgentChannelIndex = "main_agent_channel_index";
    public const string Greeting = "greeting";
    public const string FirstSpeaker = "first_speaker";

    /// <summary>How many opening turns the greeting rule reads.</summary>
    public const int OpeningTurns = 4;

    private static readonly string[] StrongGreetings =
    [
        "thank you for calling", "thanks for calling", "thank you for contacting", "thanks for contacting",
        "how can i help", "how may i help", "how can i assist", "how may i assist", "how can we help", "how may we help",
        "what can i do for you", "welcome to", "you've reached", "you have reached", "you're speaking with",
        "you are speaking with", "you're through to",
    ];

    private static readonly string[] WeakGreetings = ["this is", "my name is", "speaking", "calling from", "calling on behalf of"];

    /// <summary>
    /// The agent among the speakers of <paramref name="openingTurns"/> (turns in time order; only the first
    /// <see cref="OpeningTurns"/> are read) and the rule that decided: <see cref="Greeting"/> or <see cref="FirstSpeaker"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No turns: there is nobody to choose.</exception>
    public static (int Speaker, string Rule) Decide(IReadOnlyList<(int Speaker, string Text)> openingTurns)
    {
        ArgumentNullException.ThrowIfNull(openingTurns);
        if (openingTurns.Count == 0)
        {
            throw new ArgumentException("at least one turn is needed to decide who the agent is", nameof(openingTurns));
        }
        var count = Math.Min(OpeningTurns, openingTurns.Count);
        foreach (var phrases in new[] { StrongGreetings, WeakGreetings })
        {
            for (var i = 0; i < count; i++)
            {
                if (ContainsPhrase(openingTurns[i].Text, phrases))
                {
                    return (openingTurns[i].Speaker, Greeting);
                }
            }
        }
        return (openingTurns[0].Speaker, FirstSpeaker);
    }

    private static bool ContainsPhrase(string text, string[] phrases)
    {
        var normalized = Normalize(text);
        return phrases.Any(p => normalized.Contains($" {p} ", StringComparison.Ordinal));
    }

    /// <summary>Lower case, curly apostrophes straightened, punctuation to single spaces, padded with spaces, so a
    /// phrase matches whole words only ("this is" must not match "this island").</summary>
    private static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append(' ');
        foreach (var raw in text)
        {
            var c = raw is '\u2019' or '\u2018' ? '\'' : char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                builder.Append(c);
            }
            else if (builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }
        if (builder[^1] != ' ')
        {
            builder.Append(' ');
        }
        return builder.ToString();
    }
}
