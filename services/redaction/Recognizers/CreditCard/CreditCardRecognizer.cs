using System.Text.RegularExpressions;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.CreditCard;

/// <summary>
/// Card numbers written or spoken ("4111 1111 1111 1111", "four one one one, …"): 13–19 digits that pass Luhn and
/// start with a known issuer prefix. The last four digits alone ("card ending in 4242") count only after card words.
/// </summary>
public sealed partial class CreditCardRecognizer : IPiiRecognizer
{
    public const string Type = "credit_card";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;
        var found = new List<PiiSpan>();
        foreach (var run in DigitRun.FindAll(view))
        {
            if (run.Digits.Length < 4)
            {
                continue;
            }
            foreach (var (from, to) in run.Windows(13, 19))
            {
                if (IsCardNumber(run.Digits.AsSpan(from, to - from)))
                {
                    var (vs, ve) = run.ViewSpan(from, to);
                    var score = ContextWindow.Before(CardWords(), view, vs) ? 0.99 : 0.96;
                    var (start, end) = normalized.ToOriginal(vs, ve);
                    found.Add(new PiiSpan(start, end - start, Type, score, "credit_card"));
                    break;
                }
            }
        }
        foreach (var match in LastFour().EnumerateMatches(view))
        {
            var digits = FourDigits().Match(view, match.Index, match.Length);
            var (start, end) = normalized.ToOriginal(digits.Index, digits.Index + digits.Length);
            if (!found.Any(f => f.Start <= start && end <= f.End))
            {
                found.Add(new PiiSpan(start, end - start, Type, 0.9, "credit_card"));
            }
        }
        return found;
    }

    public static bool IsCardNumber(ReadOnlySpan<char> digits) =>
        digits.Length is >= 13 and <= 19 && HasIssuerPrefix(digits) && Luhn.IsValid(digits);

    /// <summary>Visa, Mastercard (51–55, 2221–2720), Amex, Discover, Diners, JCB, UnionPay, Maestro.</summary>
    public static bool HasIssuerPrefix(ReadOnlySpan<char> d)
    {
        var two = (d[0] - '0') * 10 + (d[1] - '0');
        var four = two * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        var three = four / 10;
        return d[0] == '4' && d.Length is 13 or 16 or 19
            || (two is >= 51 and <= 55 || four is >= 2221 and <= 2720) && d.Length == 16
            || two is 34 or 37 && d.Length == 15
            || (four == 6011 || two == 65 || three is >= 644 and <= 649) && d.Length >= 16
            || (two is 36 or 38 || three is >= 300 and <= 305) && d.Length is 14 or 16
            || four is >= 3528 and <= 3589 && d.Length >= 16
            || two == 62 && d.Length >= 16
            || four is 5018 or 5020 or 5038 or 6304 or 6759 or 6761 or 6763 && d.Length >= 12;
    }

    [GeneratedRegex(@"\b(?:card|visa|mastercard|master\s+card|amex|american\s+express|discover|credit|debit)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CardWords();

    // "card ending in 4242", "visa that ends with 4 2 4 2", "last four digits of the card are 4242".
    [GeneratedRegex(@"\b(?:card|visa|mastercard|amex|discover)\b[\w\s',]{0,24}?\b(?:ending|ends|end)(?:\s+(?:in|with))?\s*,?\s*\d(?:\s?\d){3}\b(?!\s?\d)|\blast\s+(?:4|four)(?:\s+digits)?\s+(?:of|on)\s+(?:my|the|your)\s+(?:card|visa|mastercard|amex|credit\s+card|debit\s+card)\s+(?:is|are)\s+\d(?:\s?\d){3}\b(?!\s?\d)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LastFour();

    [GeneratedRegex(@"\d(?:\s?\d){3}(?!.*\d)", RegexOptions.Singleline)]
    private static partial Regex FourDigits();
}

/// <summary>The Luhn (mod 10) check digit of card numbers and some national identifiers.</summary>
public static class Luhn
{
    public static bool IsValid(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
