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
            if (earlier.Any(e => Similar(e, tokens)))
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

    public static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        var shared = Shared(a, b);
        return (double)shared / (a.Count + b.Count - shared);
    }

    /// <summary>
    /// Jaccard ≥ <see cref="MinJaccard"/>, skipping the set intersection when the sizes alone rule it out (the
    /// similarity is at most smaller/larger): every agent turn is compared with every earlier one, so on a 200-turn
    /// call this check runs thousands of times per evaluation.
    /// </summary>
    private static bool Similar(HashSet<string> a, HashSet<string> b) =>
        (double)Math.Min(a.Count, b.Count) / Math.Max(a.Count, b.Count) >= MinJaccard && Jaccard(a, b) >= MinJaccard;

    /// <summary>|a ∩ b| without allocating: walk the smaller set, look up in the larger.</summary>
    private static int Shared(HashSet<string> a, HashSet<string> b)
    {
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var shared = 0;
        foreach (var token in small)
        {
            if (large.Contains(token))
            {
                shared++;
            }
        }
        return shared;
    }
}
