using System.Globalization;
using System.Text;

namespace Cekura.Redaction.Recognizers.Lexicons;

/// <summary>
/// A text split once into words. A word is a run of letters and digits, with apostrophes and hyphens kept when they
/// sit between two such characters ("i'm", "o'brien", "non-binary", "5'10"); everything else separates words.
/// </summary>
internal sealed class TokenizedText
{
    private readonly Token[] _tokens;

    private TokenizedText(string text, Token[] tokens)
    {
        Text = text;
        _tokens = tokens;
        foreach (var t in tokens)
        {
            if (t.Capitalized && !t.SentenceStart && t.Lower is not ("i" or "i'm" or "i'd" or "i'll" or "i've"))
            {
                CapitalsMeanSomething = true;
                break;
            }
        }
    }

    /// <summary>
    /// Some word inside a sentence is capitalised (other than "I"), so the text is cased like a provider's transcript
    /// and a lower-case word is not a name. Lower-case speech-to-text output has no such word.
    /// </summary>
    public bool CapitalsMeanSomething { get; }

    public string Text { get; }

    public IReadOnlyList<Token> Tokens => _tokens;

    public int Count => _tokens.Length;

    // Detectors index tokens many times per word; a reference into the array avoids copying the struct each time.
    public ref readonly Token this[int index] => ref _tokens[index];

    /// <summary>The characters between token <paramref name="index"/> - 1 and token <paramref name="index"/>.</summary>
    public ReadOnlySpan<char> GapBefore(int index) =>
        Text.AsSpan(index == 0 ? 0 : _tokens[index - 1].End, _tokens[index].Start - (index == 0 ? 0 : _tokens[index - 1].End));

    /// <summary>Only spaces lie between the two tokens, so they can belong to one phrase.</summary>
    public bool Adjacent(int index) => index > 0 && index < Count && GapBefore(index).Trim(' ').IsEmpty;

    /// <summary>True when token <paramref name="index"/> exists and its lower-case text is <paramref name="word"/>.</summary>
    public bool Is(int index, string word) => index >= 0 && index < _tokens.Length && _tokens[index].Lower == word;

    public static TokenizedText Create(string text)
    {
        var tokens = new List<Token>(text.Length / 5 + 1);
        var i = 0;
        var sentenceStart = true;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                // "Dr." and "St." keep their full stop out of the token but do not end a sentence.
                var abbreviationStop = text[i] == '.' && tokens.Count > 0 && tokens[^1].End == i && IsAbbreviation(tokens[^1].Lower);
                if (text[i] is '.' or '!' or '?' or '\n' or ':' or ';' && !abbreviationStop)
                {
                    sentenceStart = true;
                }
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i])
                || (IsJoiner(text[i]) && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]) && char.IsLetterOrDigit(text[i - 1]))))
            {
                i++;
            }
            var lower = Normalize(text.AsSpan(start, i - start));
            tokens.Add(new Token(start, i - start, lower, StripPossessive(lower), char.IsUpper(text[start]), sentenceStart));
            sentenceStart = false;
        }
        return new TokenizedText(text, tokens.ToArray());
    }

    private static bool IsJoiner(char c) => c is '\'' or '\u2019' or '-';

    private static bool IsAbbreviation(string lower) => lower is "dr" or "mr" or "mrs" or "ms" or "st" or "jr" or "sr" or "mt" or "ft" or "prof";

    private static string StripPossessive(string lower) =>
        lower.Length > 2 && lower.EndsWith("'s", StringComparison.Ordinal) ? lower[..^2] : lower;

    private static string Normalize(ReadOnlySpan<char> word)
    {
        var ascii = true;
        foreach (var c in word)
        {
            if (c > 127)
            {
                ascii = false;
                break;
            }
        }
        if (ascii)
        {
            return string.Create(word.Length, word, static (dest, src) => src.ToLowerInvariant(dest));
        }
        // Rare path: fold "José" to "jose" and the typographic apostrophe to the plain one, as the lexicons are stored.
        var builder = new StringBuilder(word.Length);
        foreach (var c in word.ToString().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c == '\u2019' ? '\'' : char.ToLowerInvariant(c));
            }
        }
        return builder.ToString();
    }
}
