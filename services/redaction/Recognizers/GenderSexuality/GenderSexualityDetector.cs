using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.GenderSexuality;

/// <summary>
/// Gender identity and sexual orientation. Identity words that have no other sense in a call ("transgender",
/// "non-binary", "lesbian") are found anywhere; words with other senses ("male", "woman", "straight", "trans") only
/// after "I'm", "I identify as", "my gender is"; pronouns after "my pronouns are" or before "pronouns"; and "my
/// husband"/"my wife", which can disclose a same-sex relationship, with a low score.
/// </summary>
internal sealed class GenderSexualityDetector : IFreeTextDetector
{
    private readonly PhraseTable<bool> _identities = new(new[]
    {
        "gay", "lesbian", "bisexual", "transgender", "non-binary", "nonbinary", "non binary", "genderqueer", "gender queer",
        "genderfluid", "gender fluid", "gender-fluid", "pansexual", "asexual", "intersex", "queer", "cisgender", "two-spirit",
        "trans woman", "trans man", "trans person", "transwoman", "transman", "transsexual", "homosexual", "agender",
        "demisexual", "lgbt", "lgbtq", "lgbtq+", "lgbtqia",
    }.Select(c => (c, true)));

    private readonly PhraseTable<bool> _cuedIdentities = new(new[]
    {
        "male", "female", "a man", "a woman", "a guy", "a girl", "a trans woman", "a trans man", "trans", "straight",
        "heterosexual", "bi", "cis", "a lesbian", "a gay man", "a transgender woman", "a transgender man",
    }.Select(c => (c, true)));

    private readonly PhraseTable<bool> _cues = new(new[]
    {
        "i'm", "i am", "im", "he's", "she's", "they're", "i identify as", "identifies as", "identify as", "my gender is",
        "gender is", "my sex is", "sex is", "gender", "i'm a", "i am a", "as a", "as an",
    }.Select(c => (c, true)));

    private readonly PhraseTable<bool> _partners = new(new[]
    {
        "my husband", "my wife", "my boyfriend", "my girlfriend", "my late husband", "my late wife", "my ex husband",
        "my ex wife", "my ex boyfriend", "my ex girlfriend", "my ex-husband", "my ex-wife",
    }.Select(c => (c, true)));

    private static bool IsPronoun(string lower) => lower is "he" or "him" or "his" or "she" or "her" or "hers" or "they"
        or "them" or "theirs" or "xe" or "xem" or "ze" or "zir" or "hir";

    public string EntityType => "gender_sexuality";

    public void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found)
    {
        for (var i = 0; i < text.Count; i++)
        {
            if (Pronouns(text, i) is { } pronouns)
            {
                Add(found, text, pronouns.First, pronouns.Last, Confidence.Cue);
                i = pronouns.Last;
            }
            else if (_cues.TryMatch(text, i, out var cue) && Cues.Linked(text, i + cue.Count)
                     && (_identities.TryMatch(text, i + cue.Count, out var identity) || _cuedIdentities.TryMatch(text, i + cue.Count, out identity))
                     && !NotAboutThePerson(text, i + cue.Count + identity.Count))
            {
                var at = i + cue.Count;
                var first = text[at].Lower is "a" or "an" ? at + 1 : at;
                Add(found, text, first, at + identity.Count - 1, Confidence.Cue);
                i = at + identity.Count - 1;
            }
            else if (_identities.TryMatch(text, i, out var listed) && !NotAboutThePerson(text, i + listed.Count))
            {
                Add(found, text, i, i + listed.Count - 1, Confidence.WeakCue);
                i += listed.Count - 1;
            }
            else if (_partners.TryMatch(text, i, out var partner))
            {
                Add(found, text, i + partner.Count - 1, i + partner.Count - 1, Confidence.Weak);
                i += partner.Count - 1;
            }
        }
    }

    /// <summary>"a man of my word", "straight away", "straight to voicemail", "female connector".</summary>
    private static bool NotAboutThePerson(TokenizedText text, int after) =>
        after < text.Count && text.Adjacent(after) && text[after].Lower is "of" or "away" or "to" or "through" or "up"
            or "connector" or "adapter" or "plug" or "end" or "port" or "ahead" or "forward" or "answer" or "line";

    /// <summary>"my pronouns are they/them", "she/her pronouns": the pronoun pair is the span.</summary>
    private static (int First, int Last)? Pronouns(TokenizedText text, int i)
    {
        var pairAt = -1;
        if ((text.Is(i, "pronouns") && text.Is(i + 1, "are")) || (text.Is(i, "pronoun") && text.Is(i + 1, "is")))
        {
            pairAt = i + 2;
        }
        else if (i + 2 < text.Count && IsPronoun(text[i].Lower) && IsPronoun(text[i + 1].Lower) && text.GapBefore(i + 1).Trim(' ') is "/"
                 && (text.Is(i + 2, "pronouns") || text.Is(i + 2, "pronoun")))
        {
            return (i, i + 1);
        }
        if (pairAt < 0 || pairAt >= text.Count || !IsPronoun(text[pairAt].Lower))
        {
            return null;
        }
        var last = pairAt;
        while (last + 1 < text.Count && last - pairAt < 2 && IsPronoun(text[last + 1].Lower) && !text.GapBefore(last + 1).Trim(' ').IsEmpty
               && text.GapBefore(last + 1).Trim(' ') is "/" or "," or "and")
        {
            last++;
        }
        return (pairAt, last);
    }

    private static void Add(List<PiiSpan> found, TokenizedText text, int first, int last, double score) =>
        found.Add(new PiiSpan(text[first].Start, text[last].BaseEnd - text[first].Start, "gender_sexuality", score, nameof(GenderSexualityDetector)));
}
