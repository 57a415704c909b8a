using System.Collections.Frozen;
using System.Text;

namespace Cekura.Redaction.Text;

/// <summary>
/// A text in which spoken numbers are written as digits ("four one one one" → "4 1 1 1", "double five" → "55",
/// "nineteen eighty-five" → "19 85", "twelve hundred" → "1200"), with every character of the view mapped back to
/// the characters of the original it came from, so spans found in the view can be reported in original offsets.
/// </summary>
public sealed class NormalizedText
{
    private readonly int[]? _starts;
    private readonly int[]? _ends;

    internal NormalizedText(string original, string view, int[]? starts, int[]? ends)
    {
        Original = original;
        View = view;
        _starts = starts;
        _ends = ends;
    }

    public string Original { get; }

    /// <summary>The text with spoken numbers as digits; the same string as <see cref="Original"/> when there were none.</summary>
    public string View { get; }

    /// <summary>The original span of the view characters <c>[viewStart, viewEnd)</c>.</summary>
    public (int Start, int End) ToOriginal(int viewStart, int viewEnd) =>
        _starts is null ? (viewStart, viewEnd) : (_starts[viewStart], _ends![viewEnd - 1]);
}

/// <summary>Turns spoken digits, teens, tens, hundreds and thousands into digits, as ASR transcripts write them.</summary>
public static class SpokenNumbers
{
    private enum Kind { Unit, WeakZero, Teen, Tens, Hundred, Thousand, Repeat, Symbol }

    private readonly record struct Word(Kind Kind, int Value, char Symbol = '\0');

    private static readonly FrozenDictionary<string, Word> Words = BuildWords();

    private static readonly FrozenDictionary<string, Word>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Words.GetAlternateLookup<ReadOnlySpan<char>>();

    private static FrozenDictionary<string, Word> BuildWords()
    {
        var words = new Dictionary<string, Word>(StringComparer.OrdinalIgnoreCase);
        string[] units = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        string[] unitOrdinals = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"];
        string[] teens = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
        string[] teenOrdinals = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"];
        string[] tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
        string[] tensOrdinals = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"];
        for (var i = 0; i < 10; i++)
        {
            words[units[i]] = new Word(Kind.Unit, i);
            if (i > 0)
            {
                words[unitOrdinals[i]] = new Word(Kind.Unit, i);
            }
            words[teens[i]] = new Word(Kind.Teen, 10 + i);
            words[teenOrdinals[i]] = new Word(Kind.Teen, 10 + i);
            if (i >= 2)
            {
                words[tens[i]] = new Word(Kind.Tens, i * 10);
                words[tensOrdinals[i]] = new Word(Kind.Tens, i * 10);
            }
        }
        words["fourty"] = new Word(Kind.Tens, 40);
        words["oh"] = new Word(Kind.WeakZero, 0);
        words["o"] = new Word(Kind.WeakZero, 0);
        words["hundred"] = new Word(Kind.Hundred, 100);
        words["thousand"] = new Word(Kind.Thousand, 1000);
        words["double"] = new Word(Kind.Repeat, 2);
        words["triple"] = new Word(Kind.Repeat, 3);
        words["dash"] = new Word(Kind.Symbol, 0, '-');
        words["hyphen"] = new Word(Kind.Symbol, 0, '-');
        words["dot"] = new Word(Kind.Symbol, 0, '.');
        words["point"] = new Word(Kind.Symbol, 0, '.');
        words["plus"] = new Word(Kind.Symbol, 0, '+');
        return words.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public static NormalizedText Normalize(string text)
    {
        Builder? builder = null;
        var copiedUpTo = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]) || (i > 0 && char.IsLetterOrDigit(text[i - 1])))
            {
                i++;
                continue;
            }
            var end = WordEnd(text, i);
            if (!Lookup.TryGetValue(text.AsSpan(i, end - i), out var word) || !TryReadItem(text, i, word, out var item))
            {
                i = end;
                continue;
            }
            builder ??= new Builder(text.Length);
            builder.Copy(text, copiedUpTo, i);
            builder.Emit(item.Digits, i, item.End);
            copiedUpTo = i = item.End;
        }
        if (builder is null)
        {
            return new NormalizedText(text, text, null, null);
        }
        builder.Copy(text, copiedUpTo, text.Length);
        return builder.Build(text);
    }

    private readonly record struct Item(string Digits, int End);

    /// <summary>Reads one number item starting at a number word: a digit, a repeated digit, a compound or a symbol.</summary>
    private static bool TryReadItem(string text, int start, Word word, out Item item)
    {
        item = default;
        var wordEnd = WordEnd(text, start);
        switch (word.Kind)
        {
            case Kind.Symbol:
                // "dash", "dot", "plus" are symbols only between spoken or written numbers ("one two dash three").
                if ((word.Symbol == '+' || PreviousIsNumber(text, start)) && NextIsNumber(text, wordEnd))
                {
                    item = new Item(word.Symbol.ToString(), wordEnd);
                    return true;
                }
                return false;
            case Kind.WeakZero:
                // "oh" and "o" are zeros only inside a digit run ("nine four one oh seven"), never "oh, I see" or
                // "seven o'clock".
                if ((wordEnd == text.Length || text[wordEnd] != '\'') && (PreviousIsNumber(text, start) || NextIsNumber(text, wordEnd)))
                {
                    item = new Item("0", wordEnd);
                    return true;
                }
                return false;
            case Kind.Repeat:
                if (NextWord(text, wordEnd, out var nextStart, out var nextEnd, spacesOnly: true)
                    && Lookup.TryGetValue(text.AsSpan(nextStart, nextEnd - nextStart), out var repeated)
                    && repeated.Kind is Kind.Unit or Kind.WeakZero)
                {
                    item = new Item(new string((char)('0' + repeated.Value), word.Value), nextEnd);
                    return true;
                }
                return false;
            case Kind.Thousand:
            case Kind.Hundred:
                // A lone "hundred" ("a hundred dollars").
                return TryReadCardinal(text, start, 1, start, out item);
            default:
                var (value, end) = ReadUnder100(text, start, word);
                return TryReadCardinal(text, end, value, start, out item);
        }
    }

    /// <summary>"forty" "two" → 42; "forty" alone → 40; a unit or teen alone is itself.</summary>
    private static (int Value, int End) ReadUnder100(string text, int start, Word word)
    {
        var end = WordEnd(text, start);
        if (word.Kind == Kind.Tens && NextWord(text, end, out var ns, out var ne, spacesOnly: true, allowHyphen: true)
            && Lookup.TryGetValue(text.AsSpan(ns, ne - ns), out var unit) && unit.Kind == Kind.Unit && unit.Value > 0)
        {
            return (word.Value + unit.Value, ne);
        }
        return (word.Value, end);
    }

    /// <summary>
    /// Continues a value with "hundred"/"thousand" when they follow ("twelve hundred", "two thousand and five");
    /// without them the value stands alone, so digit strings concatenate ("nineteen eighty" → "19 80").
    /// </summary>
    private static bool TryReadCardinal(string text, int end, int value, int start, out Item item)
    {
        var total = 0;
        var current = value;
        var scaled = false;
        while (NextWord(text, end, out var ns, out var ne, spacesOnly: true)
               && Lookup.TryGetValue(text.AsSpan(ns, ne - ns), out var next) && next.Kind is Kind.Hundred or Kind.Thousand)
        {
            scaled = true;
            if (next.Kind == Kind.Hundred)
            {
                current *= 100;
            }
            else
            {
                total += current * 1000;
                current = 0;
            }
            end = ne;
            var afterScale = end;
            if (NextWord(text, afterScale, out var andStart, out var andEnd, spacesOnly: true)
                && text.AsSpan(andStart, andEnd - andStart).Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                afterScale = andEnd;
            }
            if (NextWord(text, afterScale, out var rs, out var re, spacesOnly: true)
                && Lookup.TryGetValue(text.AsSpan(rs, re - rs), out var rest) && rest.Kind is Kind.Unit or Kind.Teen or Kind.Tens)
            {
                var (restValue, restEnd) = ReadUnder100(text, rs, rest);
                // "two thousand three hundred": the rest may itself be scaled by a following "hundred".
                if (NextWord(text, restEnd, out var hs, out var he, spacesOnly: true)
                    && text.AsSpan(hs, he - hs).Equals("hundred", StringComparison.OrdinalIgnoreCase) && next.Kind == Kind.Thousand)
                {
                    current = restValue;
                    end = restEnd;
                    continue;
                }
                current += restValue;
                end = restEnd;
            }
        }
        if (!scaled && value == 1 && start == end)
        {
            item = default;
            return false;
        }
        item = new Item((total + current).ToString(System.Globalization.CultureInfo.InvariantCulture), end);
        return true;
    }

    private static int WordEnd(string text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsLetter(text[end]))
        {
            end++;
        }
        return end;
    }

    /// <summary>The next word after <paramref name="from"/>, skipping spaces (and commas/hyphens unless <paramref name="spacesOnly"/>).</summary>
    private static bool NextWord(string text, int from, out int start, out int end, bool spacesOnly = false, bool allowHyphen = false)
    {
        var i = from;
        while (i < text.Length && (text[i] == ' ' || (allowHyphen && text[i] == '-' && i == from) || (!spacesOnly && text[i] is ',' or '-')))
        {
            i++;
        }
        start = i;
        end = WordEnd(text, i);
        return end > start;
    }

    private static bool NextIsNumber(string text, int from)
    {
        var i = from;
        while (i < text.Length && text[i] is ' ' or ',' or '-')
        {
            i++;
        }
        if (i < text.Length && char.IsDigit(text[i]))
        {
            return true;
        }
        var end = WordEnd(text, i);
        return end > i && Lookup.TryGetValue(text.AsSpan(i, end - i), out var w) && w.Kind is not (Kind.Symbol or Kind.WeakZero);
    }

    private static bool PreviousIsNumber(string text, int before)
    {
        var i = before - 1;
        while (i >= 0 && text[i] is ' ' or ',' or '-')
        {
            i--;
        }
        if (i < 0)
        {
            return false;
        }
        if (char.IsDigit(text[i]))
        {
            return true;
        }
        var end = i + 1;
        while (i >= 0 && char.IsLetter(text[i]))
        {
            i--;
        }
        return end > i + 1 && Lookup.TryGetValue(text.AsSpan(i + 1, end - i - 1), out var w) && w.Kind is not Kind.Symbol;
    }

    private sealed class Builder(int capacity)
    {
        private readonly StringBuilder _view = new(capacity);
        private readonly List<int> _starts = new(capacity);
        private readonly List<int> _ends = new(capacity);

        public void Copy(string text, int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                _view.Append(text[i]);
                _starts.Add(i);
                _ends.Add(i + 1);
            }
        }

        /// <summary>Every digit of an item maps to the whole item, so a span of digits maps to whole words.</summary>
        public void Emit(string digits, int start, int end)
        {
            foreach (var digit in digits)
            {
                _view.Append(digit);
                _starts.Add(start);
                _ends.Add(end);
            }
        }

        public NormalizedText Build(string original) => new(original, _view.ToString(), [.. _starts], [.. _ends]);
    }
}
