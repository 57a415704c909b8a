using System.Text.RegularExpressions;

namespace Cekura.Redaction.Text;

/// <summary>Looks for context words just before or after a candidate, without allocating.</summary>
public static class ContextWindow
{
    /// <summary>End of the last match of <paramref name="keywords"/> in the <paramref name="window"/> characters before <paramref name="index"/>, or -1.</summary>
    public static int LastMatchEndBefore(Regex keywords, string text, int index, int window = 48)
    {
        var start = Math.Max(0, index - window);
        var last = -1;
        foreach (var match in keywords.EnumerateMatches(text.AsSpan(start, index - start)))
        {
            last = start + match.Index + match.Length;
        }
        return last;
    }

    public static bool Before(Regex keywords, string text, int index, int window = 48) =>
        LastMatchEndBefore(keywords, text, index, window) >= 0;

    public static bool After(Regex keywords, string text, int index, int window = 32) =>
        keywords.IsMatch(text.AsSpan(index, Math.Min(window, text.Length - index)));
}
