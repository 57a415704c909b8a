using System.Text.RegularExpressions;

namespace Cekura.Redaction.Recognizers.Filename;

/// <summary>
/// File names with a known extension ("lab_results_2024.pdf", "scan dot jpg"). The extension list keeps domains
/// ("example.com") and abbreviations ("e.g.") out.
/// </summary>
public sealed partial class FilenameRecognizer : IPiiRecognizer
{
    public const string Type = "filename";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var found = new List<PiiSpan>();
        foreach (var regex in (ReadOnlySpan<Regex>)[Written(), Spoken()])
        {
            foreach (var match in regex.EnumerateMatches(text))
            {
                if (!found.OverlapsAny(match.Index, match.Index + match.Length))
                {
                    found.Add(new PiiSpan(match.Index, match.Length, Type, 0.88, "filename"));
                }
            }
        }
        return found;
    }

    private const string Extensions = "pdf|docx?|xlsx?|csv|txt|rtf|png|jpe?g|gif|heic|tiff?|bmp|mp3|wav|m4a|mp4|mov|zip|pptx?|json|xml|log|html?|odt|pages|key|eml|msg|exe|dmg|apk";

    [GeneratedRegex(@"(?<![\w.@/])[\w\-]+(?:\.[\w\-]+)*\.(?:" + Extensions + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Written();

    [GeneratedRegex(@"\b[\w\-]+(?:\s+(?:underscore|dash)\s+[\w\-]+)*\s+dot\s+(?:" + Extensions + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Spoken();
}
