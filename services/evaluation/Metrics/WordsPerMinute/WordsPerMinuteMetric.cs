using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Metrics.WordsPerMinute;

/// <param name="Wpm">Null when the agent has no speaking time to divide by.</param>
public sealed record WordsPerMinuteResult(double? Wpm, int Words, double AgentSeconds);

public static class WordsPerMinuteMetric
{
    /// <summary>
    /// Agent words over agent speaking minutes. Words and time must describe the same speech: with the transcript's
    /// times only the timed agent turns' words count (an untimed turn adds words but no time); the recording's
    /// segments cover all the agent's speech, so every agent turn's words count.
    /// </summary>
    public static WordsPerMinuteResult Compute(IReadOnlyList<TranscriptEntry> transcript, TimedSpeech speech)
    {
        var fromTranscript = speech.Source == SpeechTurns.TranscriptSource;
        var words = transcript
            .Where(e => e.Role == TranscriptRoles.MainAgent)
            .Where(e => !fromTranscript || (e.StartTime is not null && e.EndTime is not null))
            .Sum(e => CountWords(e.Content));
        var seconds = SpeechTurns.Union(speech.Turns.Where(t => t.IsAgent)).Sum(s => s.Length);
        return new WordsPerMinuteResult(seconds > 0 ? words / (seconds / 60) : null, words, seconds);
    }

    /// <summary>Whitespace-separated tokens holding a letter or digit, so a lone "-" or "..." is not a word.</summary>
    /// <remarks>One pass over the characters: every agent turn of every call is counted, and splitting allocated a string per token.</remarks>
    public static int CountWords(string text)
    {
        var words = 0;
        var wordCharacter = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                words += wordCharacter ? 1 : 0;
                wordCharacter = false;
            }
            else if (char.IsLetterOrDigit(c))
            {
                wordCharacter = true;
            }
        }
        return words + (wordCharacter ? 1 : 0);
    }
}
