using System.Text;

namespace Cekura.LoadGenerator.Calls;

/// <summary>
/// A plausible support call: the agent and the caller alternate, each turn a few sentences from a phrase bank,
/// with a pause between turns. Deterministic for a given <see cref="Random"/>.
/// </summary>
public static class Conversation
{
    private static readonly string[] AgentLines =
    [
        "Thanks for calling, this is Ava. How can I help you today?",
        "Sure, I can help with that.",
        "Can I have your date of birth to verify the account?",
        "Thank you. I see the appointment on Friday at ten.",
        "Would you like me to move it to next week instead?",
        "We have Tuesday at two or Wednesday at nine available.",
        "Let me check that for you, one moment please.",
        "Your new appointment is confirmed and you will get a text shortly.",
        "Is there anything else I can help you with?",
        "The total comes to forty-five dollars, payable at the visit.",
        "I have updated the phone number on file.",
        "I'm sorry about the wait, we are busier than usual today.",
    ];

    private static readonly string[] CallerLines =
    [
        "Hi, I need to change my appointment.",
        "It's March third, nineteen eighty-five.",
        "Yes, please, next week works better.",
        "Tuesday at two would be great.",
        "How much will that cost?",
        "Can you also update my phone number?",
        "Okay, that sounds good.",
        "Sorry, could you repeat that?",
        "No, that's everything, thank you.",
        "I was told to call back about the invoice.",
        "My insurance changed last month.",
        "Great, thanks for your help.",
    ];

    /// <summary>
    /// <paramref name="turns"/> alternating turns starting with the agent; <paramref name="secondsPerWord"/> and the
    /// pauses set how long the call lasts (short turns keep a recording small).
    /// </summary>
    public static IReadOnlyList<Turn> Generate(Random random, int turns, double secondsPerWord = 0.35, double maxPause = 1.2)
    {
        var result = new List<Turn>(turns);
        var time = 0.5 + random.NextDouble();
        for (var i = 0; i < turns; i++)
        {
            var agent = i % 2 == 0;
            var lines = agent ? AgentLines : CallerLines;
            var text = new StringBuilder(lines[random.Next(lines.Length)]);
            if (random.NextDouble() < 0.3)
            {
                text.Append(' ').Append(lines[random.Next(lines.Length)]);
            }
            var words = text.ToString().Count(c => c == ' ') + 1;
            var length = Math.Round(words * secondsPerWord * (0.8 + 0.4 * random.NextDouble()), 2);
            var start = Math.Round(time, 2);
            var end = Math.Round(start + length, 2);
            result.Add(new Turn(agent, text.ToString(), start, end));
            time = end + 0.2 + maxPause * random.NextDouble();
        }
        return result;
    }
}
