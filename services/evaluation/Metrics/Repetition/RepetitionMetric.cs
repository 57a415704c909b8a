using System.Text;
using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Metrics.Repetition;

/// <param name="Repeated">Zero-based indexes, among the agent's turns, of the turns that repeat an earlier one.</param>
public sealed record RepetitionResult(int Count, IReadOnlyList<int> Repeated);

public static class RepetitionMetric
{
    public const int MinTokens = 4;
    public const double MinJaccard = 0.8;

    /// <summary>
    /// An agent turn repeats when its token set has Jaccard similarity of at least 0.8 with any earlier agent turn's
    /// (tokens: lower-cased, punctuation as a separator, counted once). Turns under 4 distinct tokens are left out on both sides: "Okay." or
    /// "Sure, thanks." are natural to say many times.
    /// </summary>
    public static RepetitionResult Compute(IReadOnlyList<TranscriptEntry> transcript)
    {
        var earlier = new List<HashSet<string>>();
        var repeated = new List<int>();
        var agentTurns = transcript.Where(e => e.Role == TranscriptRoles.MainAgent).ToList();
        for (var i = 0; i < agentTurns.Count; i++)
        {
            var tokens = Tokens(agentTurns[i].Content);
            if (tokens.Count < MinTokens)
            {
                continue;
            }
            if (earlier.Any(e => Jaccard(e, tokens) >= MinJaccard))
            {
                repeated.Add(i);
            }
            earlier.Add(tokens);
        }
        return new RepetitionResult(repeated.Count, repeated);
    }

    public static HashSet<string> Tokens(string text)
    {
        var cleaned = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // An apostrophe joins ("don't"), anything else that is not a letter or digit separates.
            cleaned.Append(char.IsLetterOrDigit(c) || c == '\'' ? char.ToLowerInvariant(c) : ' ');
        }
        return cleaned.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('\'')).Where(t => t.Length > 0).ToHashSet();
    }

    public static double Jaccard(HashSet<string> a, HashSet<string> b) =>
        (double)a.Count(b.Contains) / a.Union(b).Count();
}
