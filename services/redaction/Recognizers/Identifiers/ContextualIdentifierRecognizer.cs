using System.Text.RegularExpressions;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.Identifiers;

/// <summary>
/// What makes an identifier of one type: the phrase that introduces it and the size it may have.
/// <paramref name="MinDigits"/> keeps words out ("my passport is expired").
/// </summary>
public sealed record IdentifierRule(string EntityType, Regex Context, int MinDigits, int MinCharacters, int MaxCharacters, double Score);

/// <summary>
/// Identifiers whose shape alone says nothing (an account number is any string of digits), so the context phrase is
/// required: "my account number is …", "passport number …", "driver's license …", "member ID …", "zip code …".
/// Runs on the spoken-number view, so "zip code nine four one oh seven" is read as 94107.
/// </summary>
public sealed class ContextualIdentifierRecognizer(string name, IReadOnlyList<IdentifierRule> rules) : IPiiRecognizer
{
    public IReadOnlyCollection<string> EntityTypes { get; } = rules.Select(r => r.EntityType).Distinct().ToList();

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        NormalizedText? normalized = null;
        List<PiiSpan>? found = null;
        foreach (var rule in rules)
        {
            if (!context.Wants(rule.EntityType))
            {
                continue;
            }
            normalized ??= SpokenNumbers.Normalize(text);
            var view = normalized.View;
            foreach (var match in rule.Context.EnumerateMatches(view))
            {
                var id = IdentifierCapture.After(view, match.Index + match.Length, rule.MaxCharacters);
                if (id is { } v && v.Digits >= rule.MinDigits && v.Characters >= rule.MinCharacters && !IsYearInTime(view, v))
                {
                    var (start, end) = normalized.ToOriginal(v.Start, v.End);
                    (found ??= []).Add(new PiiSpan(start, end - start, rule.EntityType, rule.Score, name));
                }
            }
        }
        return found ?? [];
    }

    /// <summary>"opened this account in 1998": a year after "in"/"since"/"from"/"back in" says when, not which.</summary>
    private static bool IsYearInTime(string view, CapturedIdentifier id)
    {
        if (id.Characters != 4 || id.Digits != 4 || !int.TryParse(view.AsSpan(id.Start, id.End - id.Start), out var year) || year is < 1900 or > 2099)
        {
            return false;
        }
        var before = view.AsSpan(0, id.Start).TrimEnd();
        return before.EndsWith(" in", StringComparison.OrdinalIgnoreCase) || before.EndsWith(" since", StringComparison.OrdinalIgnoreCase)
            || before.EndsWith(" from", StringComparison.OrdinalIgnoreCase);
    }
}
