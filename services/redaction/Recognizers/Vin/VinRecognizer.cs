using System.Text.RegularExpressions;
using Cekura.Redaction.Recognizers.Identifiers;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.Vin;

/// <summary>
/// Vehicle identifiers: 17-character VINs, written or spelled ("one h g c m eight two …"), whose check digit
/// (position 9, ISO 3779 / 49 CFR 565) holds; a VIN without a valid check digit (outside North America) counts only
/// after "VIN". Licence plates count after "plate"/"tag".
/// </summary>
public sealed partial class VinRecognizer : IPiiRecognizer
{
    public const string Type = "vehicle_id";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;
        var found = new List<PiiSpan>();
        foreach (var match in Candidate().EnumerateMatches(view))
        {
            FindVin(normalized, match.Index, match.Index + match.Length, found);
        }
        foreach (var match in PlateWords().EnumerateMatches(view))
        {
            if (IdentifierCapture.After(view, match.Index + match.Length, 10) is { Digits: >= 1, Characters: >= 4 } plate)
            {
                Add(normalized, found, plate.Start, plate.End, 0.85);
            }
        }
        return found;
    }

    private static void FindVin(NormalizedText normalized, int start, int end, List<PiiSpan> found)
    {
        var view = normalized.View;
        // Pieces are separated by single spaces or dashes; try 17-character windows that start and end on pieces.
        var pieceStarts = new List<int>();
        for (var k = start; k < end; k++)
        {
            if (char.IsLetterOrDigit(view[k]) && (k == start || !char.IsLetterOrDigit(view[k - 1])))
            {
                pieceStarts.Add(k);
            }
        }
        Span<char> vin = stackalloc char[17];
        foreach (var first in pieceStarts)
        {
            var n = 0;
            var k = first;
            for (; k < end && n < 17; k++)
            {
                if (char.IsLetterOrDigit(view[k]))
                {
                    vin[n++] = char.ToUpperInvariant(view[k]);
                }
            }
            if (n < 17 || (k < end && char.IsLetterOrDigit(view[k]) && char.IsLetterOrDigit(view[k - 1])))
            {
                continue;
            }
            var afterVin = ContextWindow.Before(VinWords(), view, first, 40);
            if (IsVinShape(vin) && (HasValidCheckDigit(vin) || afterVin))
            {
                Add(normalized, found, first, k, afterVin ? 0.97 : 0.93);
                return;
            }
        }
    }

    /// <summary>17 characters without I, O, Q; the last four are digits for every maker that builds over 500 a year.</summary>
    public static bool IsVinShape(ReadOnlySpan<char> vin)
    {
        if (vin.Length != 17 || vin.ContainsAny("IOQ"))
        {
            return false;
        }
        var letters = 0;
        foreach (var c in vin)
        {
            letters += char.IsAsciiLetter(c) ? 1 : 0;
        }
        return letters >= 2 && char.IsAsciiDigit(vin[13]) && char.IsAsciiDigit(vin[14]) && char.IsAsciiDigit(vin[15]) && char.IsAsciiDigit(vin[16]);
    }

    public static bool HasValidCheckDigit(ReadOnlySpan<char> vin)
    {
        ReadOnlySpan<int> weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Transliterate(vin[i]) * weights[i];
        }
        var check = sum % 11;
        return vin[8] == (check == 10 ? 'X' : (char)('0' + check));
    }

    private static int Transliterate(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'H' => c - 'A' + 1,
        >= 'J' and <= 'N' => c - 'J' + 1,
        'P' => 7,
        'R' => 9,
        >= 'S' and <= 'Z' => c - 'S' + 2,
        _ => 0,
    };

    private static void Add(NormalizedText normalized, List<PiiSpan> found, int viewStart, int viewEnd, double score)
    {
        var (start, end) = normalized.ToOriginal(viewStart, viewEnd);
        if (!found.OverlapsAny(start, end))
        {
            found.Add(new PiiSpan(start, end - start, Type, score, "vehicle_id"));
        }
    }

    // Runs of pieces that can be parts of a VIN: single characters, or chunks of capitals and digits, or lower-case
    // chunks holding a digit (ASR writes "1hgcm82633a004352"); ordinary words end the run.
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:[A-Za-z0-9]|[A-Z0-9]{2,17}|[a-z0-9]*\d[a-z0-9]*)(?:[ \-](?:[A-Za-z0-9]|[A-Z0-9]{2,17}|[a-z0-9]*\d[a-z0-9]*))*(?![A-Za-z0-9])")]
    private static partial Regex Candidate();

    [GeneratedRegex(@"\b(?:vin|v\s?i\s?n|vehicle\s+identification)(?:\s+number)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VinWords();

    [GeneratedRegex(@"\b(?:licen[cs]e\s+plate|plate|tag)(?:\s+number)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlateWords();
}
