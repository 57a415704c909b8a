using System.Collections.Frozen;

namespace Cekura.Redaction.Recognizers.BankAccount;

/// <summary>International bank account numbers (ISO 13616): country code, two check digits, mod-97 equal to 1.</summary>
public static class Iban
{
    // IBAN length per country (SWIFT IBAN registry); an exact length keeps a stray "is 12…" from being tried.
    private static readonly FrozenDictionary<string, int> Lengths = new Dictionary<string, int>
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22,
        ["BR"] = 29, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20,
        ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18,
        ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IS"] = 26, ["IT"] = 27, ["JO"] = 30,
        ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MD"] = 24,
        ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15, ["PK"] = 24, ["PL"] = 28,
        ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24,
        ["SM"] = 27, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VG"] = 24, ["XK"] = 20,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ByCountry =
        Lengths.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The IBAN length of an upper-case country code, or 0 for a country without IBANs.</summary>
    public static int LengthFor(ReadOnlySpan<char> country) => ByCountry.TryGetValue(country, out var length) ? length : 0;

    /// <summary><paramref name="compact"/> is upper-case letters and digits without separators.</summary>
    public static bool IsValid(ReadOnlySpan<char> compact)
    {
        if (compact.Length < 15 || compact.Length != LengthFor(compact[..2]) || !char.IsAsciiLetterUpper(compact[0]) || !char.IsAsciiLetterUpper(compact[1])
            || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }
        // Move the first four characters to the end, read letters as 10..35, and take the remainder digit by digit.
        var remainder = 0;
        for (var k = 0; k < compact.Length; k++)
        {
            var c = compact[(k + 4) % compact.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }
        return remainder == 1;
    }
}

/// <summary>US ABA routing transit numbers: nine digits with the 3-7-1 weighted checksum.</summary>
public static class AbaRoutingNumber
{
    public static bool IsValid(ReadOnlySpan<char> d)
    {
        if (d.Length != 9)
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (d[i] - '0') * (i % 3) switch { 0 => 3, 1 => 7, _ => 1 };
        }
        // The first two digits name a Federal Reserve district (00–12, 21–32, 61–72, 80 for travellers' cheques).
        var prefix = (d[0] - '0') * 10 + (d[1] - '0');
        return sum % 10 == 0 && prefix is <= 12 or (>= 21 and <= 32) or (>= 61 and <= 72) or 80;
    }
}
