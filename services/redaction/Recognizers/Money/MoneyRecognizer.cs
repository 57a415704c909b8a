using System.Text.RegularExpressions;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.Money;

/// <summary>
/// Amounts of money: a currency sign or a currency word is required ("$45.99", "forty five dollars"), or a price
/// written with cents and a period ("9.99 a month").
/// </summary>
public sealed partial class MoneyRecognizer : IPiiRecognizer
{
    public const string Type = "money";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var normalized = SpokenNumbers.Normalize(text);
        var found = new List<PiiSpan>();
        foreach (var match in Amount().EnumerateMatches(normalized.View))
        {
            var (start, end) = normalized.ToOriginal(match.Index, match.Index + match.Length);
            found.Add(new PiiSpan(start, end - start, Type, 0.8, "money"));
        }
        return found;
    }

    private const string Number = @"\d[\d,]*(?:\.\d{1,2})?";

    [GeneratedRegex(@"(?:[$€£]|\b(?:usd|eur|gbp)\s?)" + Number + @"(?:\s?(?:k\b|million\b|billion\b|thousand\b))?|\b" + Number + @"(?:\s?(?:k|million|billion|thousand))?\s*(?:dollars?|bucks|cents|euros?|pounds|quid|usd|eur|gbp)\b(?:\s+(?:and\s+)?\d{1,2}\s+cents\b)?|\b\d[\d,]*\.\d\d(?=\s+(?:a|per|each|every)\s+(?:month|year|week|day|visit|person)\b)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Amount();
}
