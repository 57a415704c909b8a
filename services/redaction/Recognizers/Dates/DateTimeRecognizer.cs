using System.Text.RegularExpressions;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Recognizers.Dates;

/// <summary>
/// Dates ("March 15th, 2024", "the fifteenth of march nineteen eighty five", "03/15/1985", "next Tuesday"), times
/// ("6:30 pm", "six thirty in the evening", "at 7:15", "noon") and dates of birth: a date after "date of birth",
/// "born", "birthday" or "DOB" is reported as both <c>dob</c> (higher score) and <c>date</c>, so the analyzer keeps
/// <c>dob</c> when it is requested and <c>date</c> when only that is. Runs on the spoken-number view.
/// </summary>
public sealed partial class DateTimeRecognizer : IPiiRecognizer
{
    public IReadOnlyCollection<string> EntityTypes { get; } = ["date", "time", "dob"];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var normalized = SpokenNumbers.Normalize(text);
        var view = normalized.View;
        var found = new List<PiiSpan>();
        if (context.Wants("date") || context.Wants("dob"))
        {
            foreach (var regex in (ReadOnlySpan<Regex>)[MonthDate(), NumericDate(), BirthYear(), Weekday(), DayOfMonth()])
            {
                foreach (var match in regex.EnumerateMatches(view))
                {
                    if (regex == NumericDate() && !IsCalendarDate(view.AsSpan(match.Index, match.Length)))
                    {
                        continue;
                    }
                    var (start, end) = normalized.ToOriginal(match.Index, match.Index + match.Length);
                    if (found.OverlapsAny(start, end))
                    {
                        continue;
                    }
                    if (ContextWindow.Before(BirthWords(), view, match.Index, 48))
                    {
                        found.Add(new PiiSpan(start, end - start, "dob", 0.92, "date"));
                    }
                    if (regex != BirthYear())
                    {
                        found.Add(new PiiSpan(start, end - start, "date", 0.72, "date"));
                    }
                }
            }
        }
        if (context.Wants("time"))
        {
            var times = new List<PiiSpan>();
            foreach (var regex in (ReadOnlySpan<Regex>)[ClockTime(), SpokenTime()])
            {
                foreach (var match in regex.EnumerateMatches(view))
                {
                    var (start, end) = normalized.ToOriginal(match.Index, match.Index + match.Length);
                    if (!times.OverlapsAny(start, end) && !found.OverlapsAny(start, end))
                    {
                        times.Add(new PiiSpan(start, end - start, "time", 0.72, "time"));
                    }
                }
            }
            found.AddRange(times);
        }
        return found;
    }

    /// <summary>"03/15/1985" or "15.03.1985": month and day in range in either order.</summary>
    private static bool IsCalendarDate(ReadOnlySpan<char> value)
    {
        Span<Range> parts = stackalloc Range[4];
        if (value.SplitAny(parts, "/-.") != 3)
        {
            return false;
        }
        var a = int.Parse(value[parts[0]]);
        var b = int.Parse(value[parts[1]]);
        if (value[parts[0]].Length == 4)
        {
            return a is >= 1900 and <= 2099 && b is >= 1 and <= 12;
        }
        return (a is >= 1 and <= 12 && b is >= 1 and <= 31) || (b is >= 1 and <= 12 && a is >= 1 and <= 31);
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private const string Month = @"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
    private const string Day = @"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?";
    // "1985", "19 85" (nineteen eighty-five), "20 0 5" (twenty oh five), "'85".
    private const string Year = @"(?:(?:19|20)\d\d|(?:19|20) (?:\d\d|0 \d)|'\d\d)";
    private const string Weekdays = @"(?:mon|tues|wednes|thurs|fri|satur|sun)day";

    [GeneratedRegex(@"\b(?:" + Weekdays + @",?\s+)?(?:(?:the\s+)?" + Day + @"\s+(?:of\s+)?" + Month + @"|" + Month + @"\s+(?:the\s+)?" + Day + @")(?![\w])(?:,?\s+(?:of\s+)?" + Year + @"\b)?|\b" + Month + @"\s+(?:of\s+)?(?:19|20)\d\d\b", Options)]
    private static partial Regex MonthDate();

    [GeneratedRegex(@"\b(?:\d{1,2}[/\-.]\d{1,2}[/\-.](?:(?:19|20)\d\d|\d\d)|(?:19|20)\d\d-\d\d-\d\d)\b(?![/\-.]\d)")]
    private static partial Regex NumericDate();

    // A day alone is a date only with a written ordinal suffix after a scheduling preposition ("move it to the
    // 14th"), and not "on the 4th floor"; "the 14" is anything.
    [GeneratedRegex(@"(?<=\b(?:on|to|for|by|until|till|before|after|from|is|it's)\s+)the\s+(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:floor|grade|time|place|row|street|st\b|avenue|ave\b|century|percentile|day|week|month|year|one|of\s+(?:us|them|you)))", Options)]
    private static partial Regex DayOfMonth();

    [GeneratedRegex(@"(?<=\bborn\s+in\s+)" + Year + @"\b", Options)]
    private static partial Regex BirthYear();

    [GeneratedRegex(@"\b(?:(?:next|this|last|on)\s+)?" + Weekdays + @"\b(?:,?\s+the\s+" + Day + @"\b)?", Options)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\b(?:date\s+of\s+birth|birth\s*date|birthday|d\.?o\.?b\b\.?|born)\b", Options)]
    private static partial Regex BirthWords();

    [GeneratedRegex(@"\b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s*(?:am|pm|a\.m\.|p\.m\.|a m\b|p m\b))?|\b(?:1[0-2]|0?[1-9])(?:[ .](?:[0-5]\d|0 \d))?\s*(?:am\b|pm\b|a\.m\.|p\.m\.|a m\b|p m\b|o'clock\b|oclock\b)|\b(?:1[0-2]|0?[1-9])(?:[ .:](?:[0-5]\d|0 \d))?\s+(?:in\s+the\s+(?:morning|afternoon|evening)|at\s+night|tonight)\b|\b(?:noon|midnight|midday)\b", Options)]
    private static partial Regex ClockTime();

    // Without am/pm a time needs minutes or a scheduling word before it: "at 6 30", "around 7:15", "quarter past 3".
    [GeneratedRegex(@"(?<=\b(?:at|around|by|before|after|until|till|from|between)\s+)(?:1[0-2]|0?[1-9]) (?:[0-5]\d|0 \d)(?:\s+(?:in\s+the\s+(?:morning|afternoon|evening)|tonight|at\s+night))?\b|\b(?:half|quarter)\s+(?:past|to|after)\s+(?:1[0-2]|[1-9])\b(?:\s+(?:in\s+the\s+(?:morning|afternoon|evening)|tonight|at\s+night))?|(?<=\b(?:at|around|by|until|till)\s+)(?:1[0-2]|[1-9])(?:\s+(?:in\s+the\s+(?:morning|afternoon|evening)|tonight|at\s+night)|(?=\s*(?:[.,?!]|$|today|tomorrow|tonight|sharp|on\s|and\s)))", Options)]
    private static partial Regex SpokenTime();
}
