using System.Text.RegularExpressions;
using Cekura.Redaction.Text;
using PhoneNumbers;

namespace Cekura.Redaction.Recognizers.Phone;

/// <summary>
/// Phone numbers of any country, written or spoken ("(415) 555-2671", "plus four four two oh …"), validated with
/// libphonenumber's numbering plans. Numbers without a country code are read in the call's region (US when unknown).
/// Digits introduced as another identifier ("order number", "account number") are left to that identifier.
/// </summary>
public sealed partial class PhoneRecognizer : IPiiRecognizer
{
    public const string Type = "phone_number";

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var region = context.RegionHint?.ToUpperInvariant() ?? "US";
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;
        var found = new List<PiiSpan>();
        foreach (var run in DigitRun.FindAll(view))
        {
            // A whole run that is a card number is never a phone number, even when only phones are asked for.
            // Past 40 digits a run is a read-out of something else, and each window would cost a libphonenumber parse.
            if (run.Digits.Length is < 7 or > 40 || CreditCard.CreditCardRecognizer.IsCardNumber(run.Digits))
            {
                continue;
            }
            // National readings first: "four one five … oh one two pizzas" is a US number plus "two", not +41 ….
            var span = FindIn(run, view, region, countryCodeWithoutPlus: false) ?? FindIn(run, view, region, countryCodeWithoutPlus: true);
            if (span is (var vs, var ve, var score))
            {
                var (start, end) = normalized.ToOriginal(vs, ve);
                found.Add(new PiiSpan(start, end - start, Type, score, "phone"));
            }
        }
        return found;
    }

    private static (int ViewStart, int ViewEnd, double Score)? FindIn(DigitRun run, string view, string region, bool countryCodeWithoutPlus)
    {
        foreach (var (from, to) in run.Windows(7, 15))
        {
            var (vs, ve) = run.ViewSpan(from, to);
            var phoneContext = ContextWindow.LastMatchEndBefore(PhoneWords(), view, vs, 56);
            var otherContext = ContextWindow.LastMatchEndBefore(OtherIdentifierWords(), view, vs, 40);
            // The nearer context word decides: "my account number is … and my cell is 415…" is a phone.
            if (otherContext > phoneContext)
            {
                continue;
            }
            var international = from == 0 && run.PlusPosition >= 0;
            var digits = run.Digits.Substring(from, to - from);
            if (IsPhoneNumber(digits, international, region, phoneContext >= 0, countryCodeWithoutPlus))
            {
                return (vs, ve, phoneContext >= 0 ? 0.9 : 0.7);
            }
            // Said as three digits, a pause, four digits ("five five five, one two one two") a local number has its
            // own shape; without a phone word it scores low, so any identifier context beats it.
            if (!countryCodeWithoutPlus && run.GroupLengths(from, to) is [3, 4] && digits[0] is >= '2' and <= '9'
                && IsPhoneNumber(digits, false, region, phoneContext: true, countryCodeWithoutPlus: false))
            {
                return (vs, ve, 0.6);
            }
        }
        return null;
    }

    /// <summary>
    /// A valid number of the region (or of the country its "+" code names). Seven-digit local numbers and numbers
    /// with a country code but no "+" are only possible, not certain, so they need a phone word before them.
    /// </summary>
    internal static bool IsPhoneNumber(string digits, bool international, string region, bool phoneContext, bool countryCodeWithoutPlus)
    {
        if (international || (digits.StartsWith("00", StringComparison.Ordinal) && digits.Length > 9))
        {
            return TryParse("+" + digits.TrimStart('0'), region, out var n) && Util.IsValidNumber(n);
        }
        if (TryParse(digits, region, out var national) && Util.IsValidNumberForRegion(national, region) && UsesEveryDigit(national, digits, region))
        {
            return true;
        }
        if (!phoneContext)
        {
            return false;
        }
        if (digits.Length == 7 && !countryCodeWithoutPlus)
        {
            return TryParse(digits, region, out var local) && Util.IsPossibleNumberWithReason(local) == PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY;
        }
        return countryCodeWithoutPlus && digits.Length > 10 && TryParse("+" + digits, region, out var withCode) && Util.IsValidNumber(withCode);
    }

    /// <summary>
    /// libphonenumber forgives extra digits; a window of a longer run must be exactly the number, optionally with
    /// the national or country prefix ("1 415 …", "0 20 …"), or "… two three oh one two pizzas" ends in the wrong place.
    /// </summary>
    private static bool UsesEveryDigit(PhoneNumber number, string digits, string region)
    {
        var significant = Util.GetNationalSignificantNumber(number);
        if (!digits.EndsWith(significant, StringComparison.Ordinal))
        {
            return false;
        }
        var prefix = digits[..^significant.Length];
        return prefix.Length == 0 || prefix == Util.GetNddPrefixForRegion(region, true) || prefix == number.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool TryParse(string digits, string region, out PhoneNumber number)
    {
        try
        {
            number = Util.Parse(digits, region);
            return true;
        }
        catch (NumberParseException)
        {
            number = null!;
            return false;
        }
    }

    [GeneratedRegex(@"\b(?:phone|cell|cellphone|mobile|telephone|tel|landline|fax|number\s+to\s+reach|reach\s+(?:me|you|us|him|her)|call\s+(?:me|you|us|him|her|back)|callback|call\s+back|text\s+(?:me|you|us)|contact\s+number|dial|extension|whatsapp|my\s+number|the\s+number|home\s+number|work\s+number|best\s+number)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PhoneWords();

    [GeneratedRegex(@"\b(?:order|code|confirmation|tracking|reference|ref|invoice|ticket|case|claim|account|acct|routing|card|policy|member|membership|employee|student|serial|model|part|sku|item|flight|booking|reservation|passport|licen[cs]e|medicare|medicaid|social|ssn|zip|postal|pin|badge|vin|iban|patient|record|subscriber)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OtherIdentifierWords();
}
