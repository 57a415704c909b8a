using System.Text.RegularExpressions;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.Ssn;

/// <summary>
/// US social security numbers. Nine digits that follow the SSA's rules (area not 000, 666 or 9xx; group not 00;
/// serial not 0000; not the numbers published in advertising). Written as 3-2-4 they stand on their own; nine
/// digits in any other grouping, or the last four, need "social"/"SSN" before them.
/// </summary>
public sealed partial class SsnRecognizer : IPiiRecognizer
{
    public const string Type = "ssn";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;
        var found = new List<PiiSpan>();
        foreach (var run in DigitRun.FindAll(view))
        {
            if (run.Digits.Length < 9)
            {
                continue;
            }
            foreach (var (from, to) in run.Windows(9, 9))
            {
                if (!IsValid(run.Digits.AsSpan(from, 9)))
                {
                    continue;
                }
                var (vs, ve) = run.ViewSpan(from, to);
                var inContext = ContextWindow.Before(SsnWords(), view, vs, 64) || ContextWindow.After(SsnWords(), view, ve, 24);
                var groups = run.GroupLengths(from, to);
                var shaped = groups is [3, 2, 4];
                // A 3-2-4 grouping is the SSN's own shape; otherwise nine digits could be anything (a routing
                // number, a phone number without its area code's first digit), so context is required.
                if (inContext || (shaped && run.Digits.Length == 9))
                {
                    var (start, end) = normalized.ToOriginal(vs, ve);
                    found.Add(new PiiSpan(start, end - start, Type, inContext ? 0.97 : 0.85, "ssn"));
                    break;
                }
            }
        }
        foreach (var match in LastFour().EnumerateMatches(view))
        {
            var digits = TrailingFour().Match(view, match.Index, match.Length);
            var (start, end) = normalized.ToOriginal(digits.Index, digits.Index + digits.Length);
            if (!found.Any(f => f.Start <= start && end <= f.End))
            {
                found.Add(new PiiSpan(start, end - start, Type, 0.9, "ssn"));
            }
        }
        return found;
    }

    public static bool IsValid(ReadOnlySpan<char> d)
    {
        if (d.Length != 9)
        {
            return false;
        }
        var area = int.Parse(d[..3]);
        var group = int.Parse(d[3..5]);
        var serial = int.Parse(d[5..]);
        return area is not (0 or 666) && area < 900 && group != 0 && serial != 0
            && !d.SequenceEqual("078051120") && !d.SequenceEqual("219099999") && !d.SequenceEqual("123456789");
    }

    [GeneratedRegex(@"\b(?:social(?:\s+security)?|ssn|s\s?s\s?n|ss\s?#|tax\s?payer)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SsnWords();

    // "last four of my social is 6789", "last 4 digits of the SSN are 6 7 8 9".
    [GeneratedRegex(@"\blast\s+(?:4|four)(?:\s+digits)?\s+(?:of\s+)?(?:my|the|your|his|her)?\s*(?:social(?:\s+security)?(?:\s+number)?|ssn)\s*(?:is|are|would\s+be|,)?\s*,?\s*\d(?:\s?\d){3}\b(?!\s?\d)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LastFour();

    [GeneratedRegex(@"\d(?:\s?\d){3}$")]
    private static partial Regex TrailingFour();
}
