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
    /// <remarks>
    /// Every agent turn is compared with every earlier one, so each turn's tokens become a sorted array of numbers
    /// (one vocabulary per call) and two turns are compared by merging their arrays: no strings or hash sets per
    /// token. With sets of strings this metric was a quarter of the evaluation stage's CPU.
    /// </remarks>
    public static RepetitionResult Compute(IReadOnlyList<TranscriptEntry> transcript)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var earlier = new List<int[]>();
        var repeated = new List<int>();
        var ids = new List<int>();
        var agentTurn = -1;
        foreach (var entry in transcript)
        {
            if (entry.Role != TranscriptRoles.MainAgent)
            {
                continue;
            }
            agentTurn++;
            var tokens = TokenIds(entry.Content, vocabulary, ids);
            if (tokens.Length < MinTokens)
            {
                continue;
            }
            foreach (var other in earlier)
            {
                if (Similar(other, tokens))
                {
                    repeated.Add(agentTurn);
                    break;
                }
            }
            earlier.Add(tokens);
        }
        return new RepetitionResult(repeated.Count, repeated);
    }

    /// <summary>The distinct tokens of <paramref name="text"/> in order of first appearance.</summary>
    public static HashSet<string> Tokens(string text)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        for (ReadOnlySpan<char> rest = Lowered(text); NextToken(ref rest, out var token);)
        {
            tokens.Add(token.ToString());
        }
        return tokens;
    }

    /// <summary>The text with letters and digits lower-cased, apostrophes kept (they join: "don't") and everything else a space.</summary>
    private static char[] Lowered(string text)
    {
        var lowered = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            lowered[i] = char.IsLetterOrDigit(c) || c == '\'' ? char.ToLowerInvariant(c) : ' ';
        }
        return lowered;
    }

    /// <summary>The next space-separated word of <paramref name="rest"/> without its outer apostrophes, skipping words that are only apostrophes.</summary>
    private static bool NextToken(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> token)
    {
        while (true)
        {
            rest = rest.TrimStart(' ');
            if (rest.IsEmpty)
            {
                token = default;
                return false;
            }
            var end = rest.IndexOf(' ');
            var word = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[end..];
            token = word.Trim('\'');
            if (!token.IsEmpty)
            {
                return true;
            }
        }
    }

    /// <summary>The distinct tokens of <paramref name="text"/> as vocabulary numbers, sorted; <paramref name="ids"/> is scratch space.</summary>
    private static int[] TokenIds(string text, Dictionary<string, int> vocabulary, List<int> ids)
    {
        var lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        ids.Clear();
        for (ReadOnlySpan<char> rest = Lowered(text); NextToken(ref rest, out var token);)
        {
            if (!lookup.TryGetValue(token, out var id))
            {
                id = vocabulary.Count;
                lookup[token] = id;
            }
            ids.Add(id);
        }
        ids.Sort();
        var distinct = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            if (i == 0 || ids[i] != ids[i - 1])
            {
                ids[distinct++] = ids[i];
            }
        }
        return ids.GetRange(0, distinct).ToArray();
    }

    /// <summary>
    /// Jaccard ≥ <see cref="MinJaccard"/>, skipping the intersection when the sizes alone rule it out (the
    /// similarity is at most smaller/larger).
    /// </summary>
    private static bool Similar(int[] a, int[] b)
    {
        if ((double)Math.Min(a.Length, b.Length) / Math.Max(a.Length, b.Length) < MinJaccard)
        {
            return false;
        }
        var shared = Shared(a, b);
        return (double)shared / (a.Length + b.Length - shared) >= MinJaccard;
    }

    /// <summary>|a ∩ b| of two sorted arrays of distinct numbers, by merging them.</summary>
    private static int Shared(int[] a, int[] b)
    {
        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            var order = a[i].CompareTo(b[j]);
            if (order == 0)
            {
                shared++;
                i++;
                j++;
            }
            else if (order < 0)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return shared;
    }
}
