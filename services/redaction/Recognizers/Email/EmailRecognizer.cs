using System.Text.RegularExpressions;

namespace Cekura.Redaction.Recognizers.Email;

/// <summary>
/// E-mail addresses as written ("john.smith@gmail.com") and as ASR writes them from speech ("john dot smith at gmail
/// dot com"); the spoken form needs a known top-level domain at the end, which keeps "meet at the office" out.
/// </summary>
public sealed partial class EmailRecognizer : IPiiRecognizer
{
    public const string Type = "email_address";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var found = new List<PiiSpan>();
        foreach (var match in Written().EnumerateMatches(text))
        {
            found.Add(new PiiSpan(match.Index, match.Length, Type, 0.97, "email"));
        }
        foreach (var match in Spoken().EnumerateMatches(text))
        {
            if (!found.OverlapsAny(match.Index, match.Index + match.Length))
            {
                found.Add(new PiiSpan(match.Index, match.Length, Type, 0.95, "email"));
            }
        }
        return found;
    }

    [GeneratedRegex(@"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,24}\b")]
    private static partial Regex Written();

    // local part: words joined by "dot"/"underscore"/"dash"; then " at ", a domain of words joined by "dot", a TLD.
    [GeneratedRegex(@"\b[a-z0-9][a-z0-9._\-]*(?:\s+(?:dot|underscore|dash|hyphen|period)\s+[a-z0-9][a-z0-9._\-]*)*\s+at\s+[a-z0-9][a-z0-9\-]*(?:\s+dot\s+[a-z0-9\-]+)*\s+dot\s+(?:com|net|org|edu|gov|io|co|us|uk|ca|de|fr|info|biz|me|ai|app|dev|mail)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Spoken();
}
