using System.Text.RegularExpressions;

namespace Cekura.Redaction.Recognizers.Url;

/// <summary>
/// Web addresses: with a scheme or "www.", bare domains with a common top-level domain and optional path, and the
/// spoken form ("example dot com slash billing"). A domain that is the host part of an e-mail address is not a URL.
/// </summary>
public sealed partial class UrlRecognizer : IPiiRecognizer
{
    public const string Type = "url";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var found = new List<PiiSpan>();
        foreach (var regex in (ReadOnlySpan<Regex>)[Written(), Spoken()])
        {
            var spoken = regex == Spoken();
            foreach (var match in regex.EnumerateMatches(text))
            {
                var length = match.Length;
                while (length > 0 && text[match.Index + length - 1] is '.' or ',' or ')' or '?' or '!')
                {
                    length--;
                }
                if (IsEmailHost(text, match.Index, spoken) || found.OverlapsAny(match.Index, match.Index + length))
                {
                    continue;
                }
                found.Add(new PiiSpan(match.Index, length, Type, 0.9, "url"));
            }
        }
        return found;
    }

    /// <summary>"@acme.com", or spoken "… at acme dot com" (written "find it at acme.com" is still a URL).</summary>
    private static bool IsEmailHost(string text, int start, bool spoken) =>
        (start > 0 && text[start - 1] is '@' or '.' or '-' or '_')
        || (spoken && start >= 4 && text.AsSpan(start - 4, 4).Equals(" at ", StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"\b(?:https?://|www\.)[^\s<>""]+|\b[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:com|net|org|edu|gov|io|co|us|uk|ca|de|info|biz|me|ai|app|dev|ly|gl|health)\b(?:/[^\s<>""]*)?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Written();

    [GeneratedRegex(@"\b(?:(?:h\s?t\s?t\s?p\s?s?|https?)\s+colon\s+(?:forward\s+)?slash\s+(?:forward\s+)?slash\s+)?(?:w\s?w\s?w\s+dot\s+)?[a-z0-9][a-z0-9\-]*(?:\s+dot\s+[a-z0-9\-]+)*\s+dot\s+(?:com|net|org|edu|gov|io|co|us|uk|ca|de|info|biz|me|ai|app|dev)\b(?:\s+(?:forward\s+)?slash\s+[a-z0-9\-]+)*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Spoken();
}
