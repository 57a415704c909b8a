using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.IpAddress;

/// <summary>
/// IPv4 and IPv6 addresses: a loose candidate pattern, then <see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// decides. Spoken addresses ("one ninety two dot one sixty eight dot one dot ten") are read from the digit view.
/// </summary>
public sealed partial class IpAddressRecognizer : IPiiRecognizer
{
    public const string Type = "ip_address";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var found = new List<PiiSpan>();
        foreach (var match in V6Candidate().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(match.Index, match.Length).TrimEnd('.');
            if (IPAddress.TryParse(candidate, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                found.Add(new PiiSpan(match.Index, candidate.Length, Type, 0.95, "ip_address"));
            }
        }
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;
        Span<char> compact = stackalloc char[64];
        foreach (var match in V4Candidate().EnumerateMatches(view))
        {
            // IPAddress.TryParse also takes "1.2" and "3232235777"; only the dotted quad is an address in speech.
            var n = 0;
            foreach (var c in view.AsSpan(match.Index, match.Length))
            {
                if (c != ' ' && n < compact.Length)
                {
                    compact[n++] = c;
                }
            }
            var dotted = compact[..n];
            if (dotted.Count('.') == 3 && IPAddress.TryParse(dotted, out var address) && address.AddressFamily == AddressFamily.InterNetwork
                && !ContextWindow.Before(VersionWords(), view, match.Index, 24))
            {
                var (start, end) = normalized.ToOriginal(match.Index, match.Index + match.Length);
                if (!found.OverlapsAny(start, end))
                {
                    found.Add(new PiiSpan(start, end - start, Type, 0.95, "ip_address"));
                }
            }
        }
        return found;
    }

    [GeneratedRegex(@"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]*(?:%\w+)?(?![\w:])")]
    private static partial Regex V6Candidate();

    // Octets of one to three digits, spoken digits spaced ("1 9 2 . 1 6 8"), joined by dots.
    [GeneratedRegex(@"(?<![\w.])\d(?: ?\d){0,2}(?: ?\. ?\d(?: ?\d){0,2}){3}(?![\w]|\.\d)")]
    private static partial Regex V4Candidate();

    [GeneratedRegex(@"\b(?:version|v|release|build|firmware|update)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VersionWords();
}
