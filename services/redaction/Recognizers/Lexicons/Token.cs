namespace Cekura.Redaction.Recognizers.Lexicons;

/// <summary>
/// One word of a text: characters <c>[Start, Start + Length)</c>. <see cref="Lower"/> is lower case with accents
/// folded and curly apostrophes made straight, so lexicon look-ups are one hash probe.
/// </summary>
/// <param name="Base">The word without a possessive <c>'s</c> ("doctor's" → "doctor"); equal to Lower otherwise.</param>
/// <param name="Capitalized">The first letter is upper case in the original text.</param>
/// <param name="SentenceStart">Nothing but sentence punctuation or the start of the text comes before it, so a capital
/// letter says nothing about it being a name.</param>
internal readonly record struct Token(int Start, int Length, string Lower, string Base, bool Capitalized, bool SentenceStart)
{
    public int End => Start + Length;

    /// <summary>End of the word without its possessive <c>'s</c>.</summary>
    public int BaseEnd => Start + Length - (Lower.Length - Base.Length);

    public bool IsDigits => Lower.Length > 0 && !Lower.AsSpan().ContainsAnyExceptInRange('0', '9');
}
