using System.Text;
using System.Text.RegularExpressions;
using Cekura.Redaction.Recognizers.Identifiers;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.BankAccount;

/// <summary>
/// Bank accounts: IBANs anywhere (mod-97 makes them certain), ABA routing numbers after "routing" (their checksum
/// passes one nine-digit number in ten, so the word is required), and account numbers introduced as bank accounts
/// ("checking account number", "account number" once a bank or routing number was mentioned).
/// </summary>
public sealed partial class BankAccountRecognizer : IPiiRecognizer
{
    public const string Type = "bank_account";

    public IReadOnlyCollection<string> EntityTypes { get; } = [Type];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;
        var found = new List<PiiSpan>();
        FindIbans(normalized, found);
        foreach (var run in DigitRun.FindAll(view))
        {
            if (run.Digits.Length < 9)
            {
                continue;
            }
            foreach (var (from, to) in run.Windows(9, 9))
            {
                var (vs, ve) = run.ViewSpan(from, to);
                if (AbaRoutingNumber.IsValid(run.Digits.AsSpan(from, 9)) && ContextWindow.Before(RoutingWords(), view, vs, 40))
                {
                    Add(normalized, found, vs, ve, 0.95);
                    break;
                }
            }
        }
        foreach (var match in AccountWords().EnumerateMatches(view))
        {
            // A plain "account number" is a bank account only once the call is about a bank.
            var plain = view.AsSpan(match.Index).StartsWith("account", StringComparison.OrdinalIgnoreCase);
            var bankSpecific = !plain || BankWords().IsMatch(view.AsSpan(0, match.Index));
            var id = IdentifierCapture.After(view, match.Index + match.Length, 24);
            if (bankSpecific && id is { Digits: >= 6 } v)
            {
                Add(normalized, found, v.Start, v.End, 0.92);
            }
        }
        return found;
    }

    private static void FindIbans(NormalizedText normalized, List<PiiSpan> found)
    {
        var view = normalized.View;
        foreach (var match in IbanCandidate().EnumerateMatches(view))
        {
            // Spelled or grouped ("d e 8 9 3 7 0 4 …", "DE89 3704 0044 …"): compact it, then cut it
            // to the country's IBAN length, since the candidate may run into the following words' letters.
            var compact = new StringBuilder(match.Length);
            var ends = new List<int>();
            for (var k = match.Index; k < match.Index + match.Length; k++)
            {
                if (char.IsLetterOrDigit(view[k]))
                {
                    compact.Append(char.ToUpperInvariant(view[k]));
                    ends.Add(k + 1);
                }
            }
            var chars = compact.ToString();
            var length = Iban.LengthFor(chars.AsSpan(0, 2));
            if (length > 0 && chars.Length >= length && Iban.IsValid(chars.AsSpan(0, length)))
            {
                Add(normalized, found, match.Index, ends[length - 1], 0.98);
            }
        }
    }

    private static void Add(NormalizedText normalized, List<PiiSpan> found, int viewStart, int viewEnd, double score)
    {
        var (start, end) = normalized.ToOriginal(viewStart, viewEnd);
        if (!found.OverlapsAny(start, end))
        {
            found.Add(new PiiSpan(start, end - start, Type, score, "bank_account"));
        }
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z] ?[A-Za-z][ \-]?\d ?\d(?:[ \-]?[A-Za-z0-9]){11,40}")]
    private static partial Regex IbanCandidate();

    [GeneratedRegex(@"\b(?:routing|aba|transit)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RoutingWords();

    [GeneratedRegex(@"\b(?:(?:bank|checking|chequing|savings|deposit)\s+account|account)\s*(?:number|no\b|#)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AccountWords();

    [GeneratedRegex(@"\b(?:bank|checking|chequing|savings|routing|direct\s+deposit|wire|ach)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BankWords();
}
