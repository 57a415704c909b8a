namespace Cekura.Redaction.Transcripts;

/// <summary>
/// The ISO 3166 region of an E.164 number's country calling code, for recognizers that read national phone numbers.
/// A plain table of common codes: a hint only, so an unlisted code (or a number without '+') gives null rather than a
/// guess. Codes that several regions share (+1, +7, +44) map to the largest one.
/// </summary>
public static class RegionHints
{
    private static readonly Dictionary<string, string> ByCallingCode = new(StringComparer.Ordinal)
    {
        ["1"] = "US", ["7"] = "RU", ["20"] = "EG", ["27"] = "ZA", ["30"] = "GR", ["31"] = "NL", ["32"] = "BE",
        ["33"] = "FR", ["34"] = "ES", ["36"] = "HU", ["39"] = "IT", ["40"] = "RO", ["41"] = "CH", ["43"] = "AT",
        ["44"] = "GB", ["45"] = "DK", ["46"] = "SE", ["47"] = "NO", ["48"] = "PL", ["49"] = "DE", ["51"] = "PE",
        ["52"] = "MX", ["54"] = "AR", ["55"] = "BR", ["56"] = "CL", ["57"] = "CO", ["58"] = "VE", ["60"] = "MY",
        ["61"] = "AU", ["62"] = "ID", ["63"] = "PH", ["64"] = "NZ", ["65"] = "SG", ["66"] = "TH", ["81"] = "JP",
        ["82"] = "KR", ["84"] = "VN", ["86"] = "CN", ["90"] = "TR", ["91"] = "IN", ["92"] = "PK", ["94"] = "LK",
        ["212"] = "MA", ["234"] = "NG", ["254"] = "KE", ["351"] = "PT", ["352"] = "LU", ["353"] = "IE",
        ["354"] = "IS", ["358"] = "FI", ["380"] = "UA", ["420"] = "CZ", ["852"] = "HK", ["880"] = "BD",
        ["886"] = "TW", ["966"] = "SA", ["971"] = "AE", ["972"] = "IL", ["974"] = "QA",
    };

    /// <summary>The region of <paramref name="number"/> when it is written in international form (<c>+44 20…</c>, <c>0044…</c>).</summary>
    public static string? FromPhoneNumber(string? number)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            return null;
        }
        var trimmed = number.Trim();
        var international = trimmed.StartsWith('+') ? trimmed[1..] : trimmed.StartsWith("00", StringComparison.Ordinal) ? trimmed[2..] : null;
        if (international is null)
        {
            return null;
        }
        var digits = new string(international.TakeWhile(c => char.IsDigit(c) || c is ' ' or '-' or '(' or ')' or '.')
            .Where(char.IsDigit).Take(3).ToArray());
        // Calling codes are prefix-free, so the first match by length is the only one.
        for (var length = 1; length <= digits.Length; length++)
        {
            if (ByCallingCode.TryGetValue(digits[..length], out var region))
            {
                return region;
            }
        }
        return null;
    }
}
