using System.Text.RegularExpressions;

namespace Cekura.Redaction.Recognizers.Credentials;

/// <summary>
/// Passwords, PINs and user names, which have no shape of their own: the value is whatever follows "my password
/// is", "PIN:", "username is". A written value is the next token ("Tr0ub4dor&amp;3"); a spoken one runs to the end of
/// the clause ("blue horse seven seven"), at most a few words, so a sentence is never swallowed whole.
/// </summary>
public sealed partial class CredentialRecognizer : IPiiRecognizer
{
    private const int MaxSpokenWords = 8;

    public IReadOnlyCollection<string> EntityTypes { get; } = ["password", "username"];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var found = new List<PiiSpan>();
        if (context.Wants("password"))
        {
            Collect(text, PasswordContext(), "password", found);
        }
        if (context.Wants("username"))
        {
            Collect(text, UsernameContext(), "username", found);
        }
        return found;
    }

    private static void Collect(string text, Regex contextRegex, string type, List<PiiSpan> found)
    {
        foreach (var match in contextRegex.EnumerateMatches(text))
        {
            var (start, end) = Value(text, match.Index + match.Length);
            if (end > start)
            {
                found.Add(new PiiSpan(start, end - start, type, 0.9, type));
            }
        }
    }

    private static (int Start, int End) Value(string text, int from)
    {
        var start = from;
        while (start < text.Length && text[start] is ' ' or '"' or '\'' or '“')
        {
            start++;
        }
        var tokenEnd = start;
        while (tokenEnd < text.Length && !char.IsWhiteSpace(text[tokenEnd]))
        {
            tokenEnd++;
        }
        var token = text.AsSpan(start, tokenEnd - start).TrimEnd(".,;!?\"'”");
        if (token.IsEmpty)
        {
            return (start, start);
        }
        // A token with digits, symbols or inner capitals is a written credential on its own.
        var written = false;
        foreach (var c in token)
        {
            written |= !char.IsAsciiLetterLower(c) && c != '\'';
        }
        var capitalisedWord = token.Length > 1 && char.IsAsciiLetterUpper(token[0]) && !token[1..].ContainsAnyExceptInRange('a', 'z');
        if (written && !capitalisedWord)
        {
            return (start, start + token.Length);
        }
        // A description of the credential is not the credential: "the same as my email", "not working".
        if (DescriptionStart().IsMatch(token))
        {
            return (start, start);
        }
        // Spoken: words up to the end of the clause.
        var end = start;
        var words = 0;
        var i = start;
        while (i < text.Length && words < MaxSpokenWords)
        {
            var wordEnd = i;
            while (wordEnd < text.Length && !char.IsWhiteSpace(text[wordEnd]) && text[wordEnd] is not (',' or '.' or '?' or '!' or ';'))
            {
                wordEnd++;
            }
            if (wordEnd == i || ClauseWord().IsMatch(text.AsSpan(i, wordEnd - i)))
            {
                break;
            }
            end = wordEnd;
            words++;
            if (wordEnd >= text.Length || text[wordEnd] != ' ')
            {
                break;
            }
            i = wordEnd + 1;
        }
        return words == 1 && Judgement().IsMatch(text.AsSpan(start, end - start)) ? (start, start) : (start, end);
    }

    // "password is", "password's", "password: ", "pin number is", "passcode would be", "the password, it's",
    // "security code on the back is", "password for the portal is".
    [GeneratedRegex(@"\b(?:password|passcode|pass\s+code|passphrase|pin(?:\s+(?:number|code))?|security\s+code|access\s+code)(?:\s+(?:for|on|of|to)(?:\s+[\w']+){1,3})?(?:\s*(?:is|was|'s|would\s+be|should\s+be|will\s+be)\b|\s*[:=])(?:\s*,?\s*(?:uh|um|it's|it\s+is|like)\b,?)*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordContext();

    [GeneratedRegex(@"\b(?:user\s?name|user\s+id|login(?:\s+(?:id|name))?|screen\s+name|handle|gamertag|gamer\s+tag)(?:\s+(?:for|on|of|to)(?:\s+[\w']+){1,3})?(?:\s*(?:is|was|'s|would\s+be|should\s+be)\b|\s*[:=])(?:\s*,?\s*(?:uh|um|it's|it\s+is|like)\b,?)*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UsernameContext();

    [GeneratedRegex(@"^(?:the|a|an|my|your|his|her|our|their|same|not|no|still|also|just|too|different|supposed|going|being|what|on|in|for)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DescriptionStart();

    // Alone, these judge the credential ("your password is correct"); followed by more words they may be it
    // ("correct horse battery staple").
    [GeneratedRegex(@"^(?:wrong|incorrect|correct|right|invalid|expired|locked|working|required|changed|reset|fine|good|weak|strong)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Judgement();

    // Words that end a spoken credential's clause.
    [GeneratedRegex(@"^(?:and|but|so|because|then|or|if|please|thanks|thank|okay|ok|right|can|could|is|was|i|i'm|which|that's)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClauseWord();
}
