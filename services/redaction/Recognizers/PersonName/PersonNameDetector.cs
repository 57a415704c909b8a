using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.PersonName;

/// <summary>
/// Names of people. A cue decides what a word may be: after "my name is" any listed first name counts, even one that
/// is also a word ("my name is Will"); after "I'm" or "thanks" only a name that is not an ordinary word ("I'm fine",
/// "thanks so much"); after "Mr."/"Dr." a surname. Without a cue a first name needs a capital that is not the first
/// letter of a sentence. A name grows over the surnames that follow it ("John Smith", "maria lopez").
/// </summary>
internal sealed class PersonNameDetector : IFreeTextDetector
{
    private enum Cue
    {
        /// <summary>"my name is", "call me": the next word is a name whatever else it could be.</summary>
        Naming,

        /// <summary>"this is", "it's": a name only if nothing else follows that makes it a word ("this is free").</summary>
        Introducing,

        /// <summary>"I'm", "I am": a name only if it cannot be an adjective or verb ("I'm fine", "I'm calling").</summary>
        SelfReference,

        /// <summary>"hi", "thanks", "bye": a name only when the clause ends with it or a surname follows.</summary>
        Greeting,

        /// <summary>"my wife", "speaking with", "ask for".</summary>
        Relation,

        /// <summary>"Mr.", "Mrs.", "Dr.": a surname or first name follows.</summary>
        Title,

        /// <summary>"doctor", "miss": also ordinary words, so the name needs a capital or must not be a word.</summary>
        SpokenTitle,
    }

    private static readonly string[] Relatives =
    [
        "husband", "wife", "son", "daughter", "mother", "father", "mom", "dad", "brother", "sister", "friend", "boyfriend",
        "girlfriend", "partner", "manager", "boss", "colleague", "coworker", "grandson", "granddaughter", "grandmother",
        "grandfather", "neighbor", "fiance", "fiancee", "caregiver", "aunt", "uncle", "cousin", "nephew", "niece",
    ];

    /// <summary>"my wife", "my late husband", "my wife is", "my son's name is": each relative with its usual framings.</summary>
    private static IEnumerable<(string, Cue)> RelativeCues() => Relatives.SelectMany(r => new[]
    {
        ($"my {r}", Cue.Relation), ($"my late {r}", Cue.Relation), ($"my ex {r}", Cue.Relation), ($"my {r} is", Cue.Relation),
        ($"my {r}'s name is", Cue.Naming), ($"my {r}s name is", Cue.Naming),
    });

    private readonly PhraseTable<Cue> _cues = new(RelativeCues().Concat(
    [
        ("my name is", Cue.Naming), ("my name's", Cue.Naming), ("name is", Cue.Naming), ("name's", Cue.Naming),
        ("call me", Cue.Relation), ("first name is", Cue.Naming), ("last name is", Cue.Naming), ("full name is", Cue.Naming),
        ("surname is", Cue.Naming), ("my names", Cue.Naming), ("under the name", Cue.Naming), ("under the name of", Cue.Naming),
        ("this is", Cue.Introducing), ("it's", Cue.Introducing), ("it is", Cue.Introducing), ("is this", Cue.Introducing),
        ("i'm", Cue.SelfReference), ("i am", Cue.SelfReference), ("im", Cue.SelfReference),
        ("hi", Cue.Greeting), ("hello", Cue.Greeting), ("hey", Cue.Greeting), ("thanks", Cue.Greeting),
        ("thank you", Cue.Greeting), ("bye", Cue.Greeting), ("goodbye", Cue.Greeting), ("morning", Cue.Greeting),
        ("afternoon", Cue.Greeting), ("evening", Cue.Greeting), ("welcome", Cue.Greeting), ("sorry", Cue.Greeting),
        ("okay", Cue.Greeting), ("ok", Cue.Greeting), ("alright", Cue.Greeting), ("sure", Cue.Greeting), ("yes", Cue.Greeting),
        ("right", Cue.Greeting), ("great", Cue.Greeting), ("perfect", Cue.Greeting),
        ("speaking with", Cue.Relation), ("speaking to", Cue.Relation), ("talking to", Cue.Relation),
        ("talking with", Cue.Relation), ("spoke with", Cue.Relation), ("spoke to", Cue.Relation), ("talked to", Cue.Relation),
        ("ask for", Cue.Relation), ("asking for", Cue.Relation), ("transfer me to", Cue.Relation),
        ("connect me with", Cue.Relation), ("connect me to", Cue.Relation), ("account holder is", Cue.Relation),
        ("named", Cue.Relation), ("speak to", Cue.Relation), ("speak with", Cue.Relation), ("talk to", Cue.Relation),
        ("talk with", Cue.Relation), ("ask", Cue.Relation), ("tell", Cue.Relation), ("let", Cue.Relation),
        ("mr", Cue.Title), ("mrs", Cue.Title), ("ms", Cue.Title), ("dr", Cue.Title), ("mister", Cue.Title),
        ("missus", Cue.Title), ("prof", Cue.Title), ("professor", Cue.Title), ("nurse", Cue.SpokenTitle),
        ("doctor", Cue.SpokenTitle), ("miss", Cue.SpokenTitle), ("officer", Cue.SpokenTitle), ("agent", Cue.SpokenTitle),
        ("aunt", Cue.SpokenTitle), ("uncle", Cue.SpokenTitle),
    ]));

    /// <summary>Words after an introduced name that show it was a name ("this is will from billing").</summary>
    private static bool ConfirmsName(string lower) => lower is "from" or "calling" or "speaking" or "here" or "with" or "at";

    public string EntityType => "person_name";

    public void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found)
    {
        var capitals = text.CapitalsMeanSomething;
        var next = 0;
        for (var i = 0; i < text.Count; i++)
        {
            if (i < next)
            {
                continue;
            }
            if (_cues.TryMatch(text, i, out var cue))
            {
                var at = i + cue.Count;
                while (at < text.Count && text[at].Lower is "uh" or "um" or "er" or "erm" or "ah")
                {
                    at++;
                }
                // "I'm Dr. Hernandez": the title is the next cue, not the name.
                var titleNext = _cues.TryMatch(text, at, out var inner) && inner.Value is Cue.Title or Cue.SpokenTitle;
                if (!titleNext && Cues.Linked(text, at, afterAbbreviation: cue.Value == Cue.Title) && Accepts(text, at, cue.Value, lexicons, capitals))
                {
                    next = Emit(text, at, lexicons, Confidence.Cue - (cue.Value is Cue.Greeting or Cue.Introducing ? 0.05 : 0), found);
                    continue;
                }
            }
            if (IsSignOff(text, i, lexicons, capitals))
            {
                next = Emit(text, i, lexicons, Confidence.WeakCue, found);
                continue;
            }
            if (SubjectOfReport(text, i, lexicons))
            {
                next = Emit(text, i, lexicons, Confidence.WeakCue, found);
                continue;
            }
            if (capitals && LexiconOnly(text, i, lexicons) is { } score)
            {
                next = Emit(text, i, lexicons, score, found);
            }
        }
    }

    private static bool Accepts(TokenizedText text, int at, Cue cue, LexiconSet lexicons, bool capitals)
    {
        var token = text[at];
        var word = token.Base;
        if (LexiconSet.FunctionWords.Contains(word) || Cues.IsCalendarWord(word) && cue != Cue.Naming)
        {
            return false;
        }
        var capitalised = capitals && token.Capitalized;
        var first = lexicons.IsFirstName(word);
        var ambiguous = lexicons.IsAmbiguousName(word);
        var surnameFollows = at + 1 < text.Count && text.Adjacent(at + 1) && IsSurname(text[at + 1], lexicons, capitals);
        switch (cue)
        {
            case Cue.Naming:
                // Whoever says "my name is" is about to say a name, listed or not; only lower case needs the list.
                return first || capitalised || !lexicons.CommonWords.Contains(word);
            case Cue.Introducing:
                return (first || capitalised && !lexicons.CommonWords.Contains(word))
                    && (!ambiguous || surnameFollows || at + 1 < text.Count && ConfirmsName(text[at + 1].Lower) || capitalised && Cues.ClauseEndsAfter(text, at));
            case Cue.SelfReference:
                // "I'm Priya": a capitalised word no list knows is still a name after "I'm", unless it is an origin.
                return first && (!ambiguous || capitalised)
                    || capitalised && (!lexicons.CommonWords.Contains(word) || Cues.ClauseEndsAfter(text, at))
                        && !lexicons.DemonymWords.Contains(word) && !IsCapitalisedAdjective(word) && !lexicons.MajorPlaces.TryMatch(text, at, out _);
            case Cue.Greeting:
                return first && (!ambiguous || capitalised) && (Cues.ClauseEndsAfter(text, at) || surnameFollows);
            case Cue.Relation:
                return first && (!ambiguous || capitalised);
            case Cue.Title:
                return first || lexicons.Surnames.ContainsKey(word) || capitalised;
            default:
                return (first || lexicons.Surnames.ContainsKey(word)) && (capitalised || !lexicons.CommonWords.Contains(word));
        }
    }

    /// <summary>Capitalised words that follow "I'm" and describe rather than name ("I'm Catholic", "I'm Republican").</summary>
    private static bool IsCapitalisedAdjective(string lower) => lower is "catholic" or "christian" or "jewish" or "muslim"
        or "hindu" or "buddhist" or "mormon" or "sikh" or "protestant" or "baptist" or "methodist" or "lutheran"
        or "evangelical" or "orthodox" or "atheist" or "agnostic" or "republican" or "democrat" or "independent"
        or "libertarian" or "conservative" or "liberal";

    /// <summary>"Sarah here" at the start of a clause.</summary>
    private static bool IsSignOff(TokenizedText text, int i, LexiconSet lexicons, bool capitals)
    {
        var token = text[i];
        if (!text.Is(i + 1, "here") || !text.Adjacent(i + 1) || !Cues.ClauseEndsAfter(text, i + 1) && !text.Is(i + 2, "from"))
        {
            return false;
        }
        var clauseStart = i == 0 || token.SentenceStart || text.GapBefore(i).Contains(',');
        return clauseStart && lexicons.IsFirstName(token.Lower)
            && (!lexicons.IsAmbiguousName(token.Lower) || capitals && token.Capitalized);
    }

    /// <summary>A capitalised first name with no cue: sure with a surname after it, less so alone.</summary>
    private static double? LexiconOnly(TokenizedText text, int i, LexiconSet lexicons)
    {
        var token = text[i];
        if (!token.Capitalized || token.Lower.Length < 2 || !lexicons.IsFirstName(token.Base) || Cues.IsCalendarWord(token.Base)
            || IsAcronym(text.Text.AsSpan(token.Start, token.Length)))
        {
            return null;
        }
        var ambiguous = lexicons.IsAmbiguousName(token.Base);
        var surnameFollows = i + 1 < text.Count && text.Adjacent(i + 1) && text[i + 1].Capitalized && IsSurname(text[i + 1], lexicons, true);
        if (surnameFollows && (!ambiguous || !token.SentenceStart))
        {
            return Confidence.Lexicon;
        }
        // "J as in Juliet", "P as in Paul": a spelling alphabet, not a person.
        var spelling = text.Is(i - 1, "in") && text.Is(i - 2, "as");
        if (!token.SentenceStart && !ambiguous && !text.Is(i - 1, "the") && !spelling)
        {
            return Confidence.Weak;
        }
        return null;
    }

    /// <summary>"VIN", "CEO", "ASAP": a word in capitals is an abbreviation, not a name, unless a cue says otherwise.</summary>
    private static bool IsAcronym(ReadOnlySpan<char> word) => word.Length >= 2 && !word.ContainsAnyInRange('a', 'z');

    /// <summary>"Rose said she would email me": a capitalised name (or an unambiguous one) as the subject of "said".</summary>
    private static bool SubjectOfReport(TokenizedText text, int i, LexiconSet lexicons)
    {
        var token = text[i];
        return i + 1 < text.Count && text.Adjacent(i + 1) && IsReportingVerb(text[i + 1].Lower)
            && lexicons.IsFirstName(token.Lower) && !Cues.IsCalendarWord(token.Lower)
            && (token.Capitalized || !lexicons.IsAmbiguousName(token.Lower));
    }

    private static bool IsReportingVerb(string lower) => lower is "said" or "says" or "told" or "asked" or "mentioned"
        or "emailed" or "texted" or "called" or "promised" or "explained";

    private static bool IsSurname(Token token, LexiconSet lexicons, bool capitals)
    {
        if (LexiconSet.FunctionWords.Contains(token.Base) || Cues.IsCalendarWord(token.Base))
        {
            return false;
        }
        if (capitals && token.Capitalized)
        {
            return lexicons.Surnames.ContainsKey(token.Base) || lexicons.FirstNames.Contains(token.Base) || !lexicons.CommonWords.Contains(token.Base);
        }
        return lexicons.IsLikelySurname(token.Base);
    }

    /// <summary>Adds the name starting at token <paramref name="at"/> with up to two following surnames; returns the next token to scan.</summary>
    private static int Emit(TokenizedText text, int at, LexiconSet lexicons, double score, List<PiiSpan> found)
    {
        var capitals = text.CapitalsMeanSomething;
        var last = at;
        while (last + 1 < text.Count && last - at < 2 && text[last].Base.Length == text[last].Lower.Length
               && text.Adjacent(last + 1) && IsSurname(text[last + 1], lexicons, capitals)
               && (!capitals || text[last + 1].Capitalized == text[at].Capitalized))
        {
            last++;
        }
        found.Add(new PiiSpan(text[at].Start, text[last].BaseEnd - text[at].Start, "person_name", score, nameof(PersonNameDetector)));
        return last + 1;
    }
}
