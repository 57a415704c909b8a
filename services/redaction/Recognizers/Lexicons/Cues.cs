namespace Cekura.Redaction.Recognizers.Lexicons;

/// <summary>Small checks shared by the detectors about what lies between and around tokens.</summary>
internal static class Cues
{
    /// <summary>
    /// Token <paramref name="index"/> continues the phrase before it: only spaces, commas, a colon or a dash lie
    /// between ("my wife, Maria"; "name is: John"); a full stop only after an abbreviation such as "Dr.".
    /// </summary>
    public static bool Linked(TokenizedText text, int index, bool afterAbbreviation = false)
    {
        if (index <= 0 || index >= text.Count)
        {
            return false;
        }
        foreach (var c in text.GapBefore(index))
        {
            if (!(c is ' ' or ',' or ':' or '-' or '\u2014' or '\u2013' || (c == '.' && afterAbbreviation)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A clause ends after token <paramref name="index"/>: the text ends or punctuation follows it.</summary>
    public static bool ClauseEndsAfter(TokenizedText text, int index) =>
        index + 1 >= text.Count || !text.GapBefore(index + 1).Trim(' ').IsEmpty;

    /// <summary>Months and weekdays: capitalised, and some are first names ("May", "June"), but never PII as names.</summary>
    public static bool IsCalendarWord(string lower) => lower is "january" or "february" or "march" or "april" or "may"
        or "june" or "july" or "august" or "september" or "october" or "november" or "december" or "monday" or "tuesday"
        or "wednesday" or "thursday" or "friday" or "saturday" or "sunday" or "christmas" or "easter";

    /// <summary>Spoken number words, for house numbers, heights and weights said aloud.</summary>
    public static bool IsNumberWord(string lower) => lower is "zero" or "oh" or "one" or "two" or "three" or "four" or "five"
        or "six" or "seven" or "eight" or "nine" or "ten" or "eleven" or "twelve" or "thirteen" or "fourteen" or "fifteen"
        or "sixteen" or "seventeen" or "eighteen" or "nineteen" or "twenty" or "thirty" or "forty" or "fifty" or "sixty"
        or "seventy" or "eighty" or "ninety" or "hundred" or "thousand";
}
