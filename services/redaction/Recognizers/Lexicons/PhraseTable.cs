namespace Cekura.Redaction.Recognizers.Lexicons;

/// <summary>A phrase found in a text: <see cref="Count"/> tokens from the start token, ending at character <see cref="End"/>.</summary>
internal readonly record struct PhraseMatch<T>(int Count, int End, T Value);

/// <summary>
/// A trie over lower-case tokens: multi-word entries ("new york", "nurse practitioner") are found by walking one
/// dictionary probe per token, so a text is scanned in time linear in its length whatever the size of the lexicon.
/// Immutable after construction.
/// </summary>
internal sealed class PhraseTable<T>
{
    private sealed class Node
    {
        public Dictionary<string, Node>? Next;
        public bool Terminal;
        public T Value = default!;
    }

    private readonly Node _root = new();

    public PhraseTable(IEnumerable<(string Phrase, T Value)> entries)
    {
        foreach (var (phrase, value) in entries)
        {
            var node = _root;
            foreach (var word in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                node.Next ??= new Dictionary<string, Node>(StringComparer.Ordinal);
                if (!node.Next.TryGetValue(word, out var child))
                {
                    child = new Node();
                    node.Next[word] = child;
                }
                node = child;
            }
            if (node != _root)
            {
                node.Terminal = true;
                node.Value = value;
            }
        }
    }

    /// <summary>
    /// The longest entry starting at token <paramref name="start"/> whose tokens are separated by spaces only; the last
    /// token may carry a possessive ("my doctor's office" finds "doctor", ending before the "'s").
    /// </summary>
    public bool TryMatch(TokenizedText text, int start, out PhraseMatch<T> match)
    {
        match = default;
        var node = _root;
        for (var i = start; i < text.Count && node.Next is not null; i++)
        {
            if (i > start && !text.Adjacent(i))
            {
                break;
            }
            var token = text[i];
            if (node.Next.TryGetValue(token.Lower, out var child))
            {
                node = child;
                if (node.Terminal)
                {
                    match = new PhraseMatch<T>(i - start + 1, token.End, node.Value);
                }
                continue;
            }
            if (token.Base.Length != token.Lower.Length && node.Next.TryGetValue(token.Base, out child) && child.Terminal)
            {
                match = new PhraseMatch<T>(i - start + 1, token.BaseEnd, child.Value);
            }
            break;
        }
        return match.Count > 0;
    }
}
