using System.Text.RegularExpressions;

namespace Cekura.Redaction.Recognizers.Identifiers;

/// <summary>An identifier read after a context phrase, as a span of the view.</summary>
public readonly record struct CapturedIdentifier(int Start, int End, int Digits, int Characters);

/// <summary>
/// Reads the identifier that follows a context phrase ("my member ID is, uh, A 1 2 3 4 5"): skips filler words, then
/// takes pieces that look like parts of an identifier: digit strings, alphanumerics containing a digit, spelled
/// letters, short capitals. The first ordinary word ends it.
/// </summary>
public static partial class IdentifierCapture
{
    public static CapturedIdentifier? After(string view, int from, int maxCharacters)
    {
        var filler = Filler().Match(view, from);
        var p = filler.Success ? filler.Index + filler.Length : from;
        int start = -1, end = -1, digits = 0, characters = 0;
        while (p < view.Length && char.IsLetterOrDigit(view[p]))
        {
            var e = p;
            var pieceDigits = 0;
            var upper = true;
            while (e < view.Length && char.IsLetterOrDigit(view[e]))
            {
                pieceDigits += char.IsAsciiDigit(view[e]) ? 1 : 0;
                upper &= !char.IsLower(view[e]);
                e++;
            }
            var length = e - p;
            var accepted = pieceDigits > 0 || length == 1 || (upper && length <= 3);
            if (!accepted || characters + length > maxCharacters)
            {
                break;
            }
            if (start < 0)
            {
                start = p;
            }
            end = e;
            digits += pieceDigits;
            characters += length;
            // Callers spell letters the radio way: "b as in boy": the example word is part of the letter.
            if (length == 1 && char.IsLetter(view[p]) && AsIn().Match(view, e) is { Success: true } spelled)
            {
                end = e = spelled.Index + spelled.Length;
            }
            // One separator between pieces: a space, a dash, or a comma/dash with spaces (", " " - ").
            var next = e;
            while (next < view.Length && next - e < 3 && view[next] is ' ' or '-' or ',' or '.' or '/')
            {
                next++;
            }
            if (next == e || next >= view.Length || !char.IsLetterOrDigit(view[next]))
            {
                break;
            }
            p = next;
        }
        if (start < 0)
        {
            return null;
        }
        // A lone lower-case "a" or "i" at either end is an article or a pronoun, not a spelled letter.
        (start, end, characters) = TrimLoneWords(view, start, end, characters);
        return end > start ? new CapturedIdentifier(start, end, digits, characters) : null;
    }

    private static (int, int, int) TrimLoneWords(string view, int start, int end, int characters)
    {
        if (end - start > 2 && view[start] is 'a' or 'i' && !char.IsLetterOrDigit(view[start + 1]))
        {
            start += 2;
            characters--;
        }
        if (end - start > 2 && view[end - 1] is 'a' or 'i' && !char.IsLetterOrDigit(view[end - 2]))
        {
            end -= 2;
            characters--;
        }
        return (start, end, characters);
    }

    [GeneratedRegex(@"\G,?\s+as\s+in\s+[A-Za-z]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AsIn();

    // Words people put between "my policy number" and the number itself.
    [GeneratedRegex(@"\G(?:[\s:#,.\-]+|['’]s\b|(?:is|was|are|it's|its|it|uh|um|umm|er|the|my|number|numbers|no|num|id|of|that's|thats|should|be|would|ending|ends|in|with|on|sure|yeah|yes|so|okay|ok|let|me|check|here|you|go|bill|statement|file|record|card|form)\b)*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Filler();
}
