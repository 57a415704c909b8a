using System.Text.RegularExpressions;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.Age;

/// <summary>
/// Ages: a number with "years old", after "age"/"aged", or after "turned"/"turning"/"I'm" at the end of a clause
/// ("I'm 72.", not "I'm 5 minutes away"). Only the number is reported, so "&lt;AGE&gt; years old" still reads.
/// </summary>
public sealed partial class AgeRecognizer : IPiiRecognizer
{
    public const string Type = "age";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var normalized = SpokenNumbers.Normalize(text);
        var found = new List<PiiSpan>();
        foreach (var match in Age().EnumerateMatches(normalized.View))
        {
            if (int.Parse(normalized.View.AsSpan(match.Index, match.Length)) > 120)
            {
                continue;
            }
            var (start, end) = normalized.ToOriginal(match.Index, match.Index + match.Length);
            found.Add(new PiiSpan(start, end - start, Type, 0.85, "age"));
        }
        return found;
    }

    [GeneratedRegex(@"\b\d{1,3}(?=\s*-?\s*(?:years?|yrs?)\s*-?\s*old\b|\s+years?\s+of\s+age\b)|(?<=\bages\s+(?:\d{1,3}\s*,\s*|\d{1,3},?\s+and\s+)+)\d{1,3}\b|(?<=\b(?:age|aged|ages)\s+(?:is\s+|of\s+)?)\d{1,3}\b|(?<=\b(?:turned|turning|turns|i'm|i\s+am|he's|she's|he\s+is|she\s+is|i'll\s+be|he'll\s+be|she'll\s+be|will\s+be)\s+)\d{1,3}(?=\s*(?:[.,!?]|$|this\s+year|next\s+(?:week|month|year)|now|in\s+(?:may|june|july|august|september|october|november|december|january|february|march|april)))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Age();
}
