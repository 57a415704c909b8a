using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.Origin;

/// <summary>
/// Nationalities and ethnicities ("I'm Mexican", "my mother is Korean", "of Irish descent", "Mexican-American").
/// Many of these words also name a language or a cuisine, so a demonym next to "speak", "food", "interpreter" and the
/// like is left alone, and a language-like one ("Spanish", "English") needs a cue about the person.
/// </summary>
internal sealed class OriginDetector : IFreeTextDetector
{
    private readonly PhraseTable<bool> _cues = new(new[]
    {
        "i'm", "i am", "im", "we're", "we are", "he's", "she's", "he is", "she is", "they're", "they are", "is", "are", "was",
        "i'm half", "i'm part", "i am half", "i'm partly", "nationality is", "ethnicity is", "i identify as", "as a",
        "i'm a", "i am a", "as an", "i'm an", "i am an", "an", "a",
    }.Select(c => (c, true)));

    /// <summary>Nouns after a demonym that make it about a thing, not a person.</summary>
    private static readonly HashSet<string> ThingNouns = new(StringComparer.Ordinal)
    {
        "food", "cuisine", "restaurant", "restaurants", "fries", "toast", "cheese", "muffin", "muffins", "pastry",
        "dressing", "shepherd", "class", "classes", "lesson", "lessons", "language", "translator", "interpreter",
        "version", "keyboard", "menu", "subtitles", "option", "express", "airlines", "airline", "football", "takeout",
        "dish", "dishes", "bread", "coffee", "tea", "wine", "beer", "car", "cars", "market", "grocery", "channel",
        "speaker", "speaking", "translation", "dollar", "dollars", "pounds", "embassy", "consulate", "horn", "bulldog",
        "press", "style", "salad", "rice", "curry", "sausage", "food's", "guy's",
    };

    /// <summary>Demonyms that are also languages: without a cue they are usually "do you speak Spanish".</summary>
    private static readonly HashSet<string> Languages = new(StringComparer.Ordinal)
    {
        "english", "spanish", "french", "german", "chinese", "japanese", "korean", "italian", "portuguese", "russian",
        "arabic", "hindi", "vietnamese", "polish", "dutch", "greek", "turkish", "swedish", "danish", "norwegian",
        "finnish", "czech", "thai", "tamil", "punjabi", "gujarati", "bengali", "hmong", "somali", "ukrainian", "persian",
        "hungarian", "romanian", "filipino", "hebrew", "kurdish", "nepali", "tibetan", "mongolian",
    };

    /// <summary>Race words that are colours everywhere else ("the white one"): an origin only in "I'm Black." and the like.</summary>
    private readonly PhraseTable<bool> _selfOnly = new(new[]
    {
        "black", "white", "biracial", "mixed race", "mixed-race", "multiracial", "mixed",
    }.Select(c => (c, true)));

    private readonly PhraseTable<bool> _selfCues = new(new[]
    {
        "i'm", "i am", "im", "we're", "we are", "he's", "she's", "he is", "she is", "they're", "i identify as",
    }.Select(c => (c, true)));

    public string EntityType => "origin";

    public void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found)
    {
        FindSelfDescribedRace(text, found);
        var next = 0;
        for (var i = 0; i < text.Count; i++)
        {
            if (i < next || !Demonym(text, i, lexicons, out var end))
            {
                continue;
            }
            // "korean american", "mexican american": one origin, not two.
            while (end + 1 < text.Count && text.Adjacent(end + 1) && Demonym(text, end + 1, lexicons, out var more))
            {
                end = more;
            }
            next = end + 1;
            var before = Before(text, i);
            var after = end + 1 < text.Count && text.Adjacent(end + 1) ? text[end + 1].Lower : "";
            if (ThingNouns.Contains(after) || before is "speak" or "speaks" or "speaking" or "spoke" or "in" or "for" or "into" or "to" or "the")
            {
                continue;
            }
            var cued = CuedBefore(text, i) || after is "descent" or "origin" or "heritage" or "background" or "ancestry" or "citizen"
                or "national" or "nationality" or "roots" or "family" or "parents" or "immigrant" or "woman" or "man" or "guy"
                or "girl" or "lady" or "person" or "people" or "community";
            if (!cued && Languages.Contains(text[i].Lower))
            {
                continue;
            }
            found.Add(new PiiSpan(text[i].Start, text[end].BaseEnd - text[i].Start, EntityType,
                cued ? Confidence.Cue : Confidence.Lexicon, nameof(OriginDetector)));
        }
    }

    private void FindSelfDescribedRace(TokenizedText text, List<PiiSpan> found)
    {
        for (var i = 0; i < text.Count; i++)
        {
            if (_selfCues.TryMatch(text, i, out var cue) && text.Adjacent(i + cue.Count)
                && _selfOnly.TryMatch(text, i + cue.Count, out var race)
                && (Cues.ClauseEndsAfter(text, i + cue.Count + race.Count - 1)
                    || text.Is(i + cue.Count + race.Count, "and") || text.Is(i + cue.Count + race.Count, "woman")
                    || text.Is(i + cue.Count + race.Count, "man")))
            {
                var at = i + cue.Count;
                found.Add(new PiiSpan(text[at].Start, race.End - text[at].Start, EntityType, Confidence.Cue, nameof(OriginDetector)));
            }
        }
    }

    /// <summary>A demonym at token <paramref name="i"/>, including hyphenated ones ("mexican-american"); its last token.</summary>
    private static bool Demonym(TokenizedText text, int i, LexiconSet lexicons, out int end)
    {
        end = i;
        if (lexicons.Demonyms.TryMatch(text, i, out var match))
        {
            end = i + match.Count - 1;
            return true;
        }
        var word = text[i].Lower;
        if (!word.Contains('-'))
        {
            return false;
        }
        foreach (var part in word.Split('-'))
        {
            if (!IsSingleDemonym(part, lexicons) && part is not ("half" or "part"))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsSingleDemonym(string word, LexiconSet lexicons) =>
        lexicons.Demonyms.TryMatch(TokenizedText.Create(word), 0, out var m) && m.Count == 1;

    private static string Before(TokenizedText text, int i) => i > 0 && text.Adjacent(i) ? text[i - 1].Lower : "";

    private bool CuedBefore(TokenizedText text, int i)
    {
        for (var start = Math.Max(0, i - 3); start < i; start++)
        {
            if (_cues.TryMatch(text, start, out var cue) && start + cue.Count == i && Cues.Linked(text, i))
            {
                return true;
            }
        }
        return text.Is(i - 1, "of") && (text.Is(i + 1, "descent") || text.Is(i + 1, "origin") || text.Is(i + 1, "heritage") || text.Is(i + 1, "ancestry"));
    }
}
