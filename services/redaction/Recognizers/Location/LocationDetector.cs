using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.Location;

/// <summary>
/// Places and street addresses. States, countries and well-known cities are found in any case; the long GeoNames
/// city list only after a cue ("I live in", "calling from", "in") or with a capital, because many of its towns are
/// also words or surnames ("Mobile", "Hope", "Taylor"). Adjacent places merge into one span ("Austin, Texas").
/// </summary>
internal sealed class LocationDetector : IFreeTextDetector
{
    private enum Cue
    {
        /// <summary>"I live in", "born in": what follows is a place even if no list has it, when capitalised.</summary>
        Residence,

        /// <summary>"calling from", "moved to": a listed place follows; an unknown capitalised word may be a company.</summary>
        Movement,

        /// <summary>"in", "near": a listed place follows only if it is not also an ordinary word.</summary>
        Preposition,

        /// <summary>"to", "from": as often a person follows ("talk to jordan"), so a place that is also a name does not count.</summary>
        Toward,
    }

    private readonly PhraseTable<Cue> _cues = new(
    [
        ("live in", Cue.Residence), ("living in", Cue.Residence), ("lives in", Cue.Residence), ("lived in", Cue.Residence),
        ("born in", Cue.Residence), ("grew up in", Cue.Residence), ("located in", Cue.Residence), ("based in", Cue.Residence),
        ("reside in", Cue.Residence), ("residing in", Cue.Residence), ("hometown is", Cue.Residence), ("city is", Cue.Residence),
        ("town is", Cue.Residence), ("city of", Cue.Residence), ("town of", Cue.Residence), ("moved to", Cue.Residence),
        ("calling from", Cue.Movement), ("i'm from", Cue.Movement), ("i am from", Cue.Movement), ("we're from", Cue.Movement),
        ("originally from", Cue.Movement), ("is from", Cue.Movement), ("moved from", Cue.Movement),
        ("moving to", Cue.Movement), ("visiting", Cue.Movement), ("traveling to", Cue.Movement), ("travelling to", Cue.Movement),
        ("flying to", Cue.Movement), ("flying into", Cue.Movement), ("flying out of", Cue.Movement), ("flight to", Cue.Movement),
        ("driving to", Cue.Movement), ("drive to", Cue.Movement), ("headed to", Cue.Movement), ("heading to", Cue.Movement),
        ("trip to", Cue.Movement), ("staying in", Cue.Movement), ("i'm in", Cue.Movement), ("we're in", Cue.Movement),
        ("currently in", Cue.Movement), ("out of", Cue.Movement), ("outside of", Cue.Movement), ("stationed in", Cue.Movement),
        ("in", Cue.Preposition), ("to", Cue.Toward), ("from", Cue.Toward), ("near", Cue.Preposition),
        ("around", Cue.Preposition), ("outside", Cue.Preposition),
    ]);

    private static readonly string[] StreetSuffixes =
    [
        "street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "lane", "ln", "boulevard", "blvd", "court", "ct",
        "way", "place", "pl", "terrace", "circle", "parkway", "highway", "hwy", "trail", "square", "pike", "crescent",
    ];

    public string EntityType => "location";

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
            int end;
            double score;
            if (StreetAddress(text, i) is { } street)
            {
                (end, score) = (street, Confidence.Cue);
            }
            else if (PlaceWithRegion(text, i, lexicons) is { } pair)
            {
                (end, score) = (pair, Confidence.Cue);
            }
            else if (_cues.TryMatch(text, i, out var cue) && Cues.Linked(text, i + cue.Count)
                     && AfterCue(text, i + cue.Count, cue.Value, lexicons, capitals) is { } placed)
            {
                i += cue.Count;
                (end, score) = placed;
            }
            else if (LexiconOnly(text, i, lexicons, capitals) is { } listed)
            {
                (end, score) = listed;
            }
            else
            {
                continue;
            }
            end = Extend(text, end, lexicons, capitals);
            found.Add(new PiiSpan(text[i].Start, text[end].BaseEnd - text[i].Start, EntityType, score, nameof(LocationDetector)));
            next = end + 1;
        }
    }

    /// <summary>
    /// "phoenix arizona", "Paris, Texas": a listed town directly followed by a state or country is a place even when
    /// the town alone is also a word. Returns the last token of the town; <see cref="Extend"/> adds the region.
    /// </summary>
    private static int? PlaceWithRegion(TokenizedText text, int i, LexiconSet lexicons)
    {
        if (!lexicons.Places.TryMatch(text, i, out var place) || LexiconSet.FunctionWords.Contains(text[i].Lower))
        {
            return null;
        }
        var region = i + place.Count;
        return text[region - 1].Base.Length == text[region - 1].Lower.Length && Cues.Linked(text, region)
            && lexicons.MajorPlaces.TryMatch(text, region, out _)
            ? region - 1 : null;
    }

    /// <summary>The place after a cue: its last token and score, or null.</summary>
    private static (int End, double Score)? AfterCue(TokenizedText text, int at, Cue cue, LexiconSet lexicons, bool capitals)
    {
        var token = text[at];
        var capitalised = capitals && token.Capitalized;
        if (lexicons.MajorPlaces.TryMatch(text, at, out var major) && !IsOtherWord(text, at, major.Count, lexicons, capitals, cue))
        {
            return (at + major.Count - 1, cue is Cue.Preposition or Cue.Toward ? Confidence.WeakCue : Confidence.Cue);
        }
        var loose = cue is Cue.Preposition or Cue.Toward;
        if (lexicons.Places.TryMatch(text, at, out var place)
            && (place.Count > 1 ? capitalised || Distinctive(text, at, place.Count, lexicons)
                : !Ambiguous(token.Base, lexicons) || capitalised && (!loose || cue == Cue.Preposition && !IsWordOrFirstName(token.Base, lexicons)))
            && (!loose || capitalised || place.Count > 1))
        {
            return (at + place.Count - 1, loose ? Confidence.Lexicon : Confidence.Cue);
        }
        if (cue == Cue.Residence && capitalised && !LexiconSet.FunctionWords.Contains(token.Lower))
        {
            var end = at;
            while (end + 1 < text.Count && end - at < 2 && text.Adjacent(end + 1) && text[end + 1].Capitalized)
            {
                end++;
            }
            return (end, Confidence.WeakCue);
        }
        return null;
    }

    /// <summary>A well-known place that is also a word or a name ("turkey", "jordan", "georgia") needs a capital or a strong cue.</summary>
    private static bool IsOtherWord(TokenizedText text, int at, int count, LexiconSet lexicons, bool capitals, Cue cue)
    {
        if (count > 1 || capitals && text[at].Capitalized)
        {
            return false;
        }
        var word = text[at].Base;
        return cue switch
        {
            Cue.Preposition => lexicons.CommonWords.Contains(word) || lexicons.DemonymWords.Contains(word),
            Cue.Toward => Ambiguous(word, lexicons),
            _ => false,
        };
    }

    private static bool Ambiguous(string lower, LexiconSet lexicons) =>
        lexicons.CommonWords.Contains(lower) || lexicons.IsFirstName(lower) || lexicons.Surnames.ContainsKey(lower)
        || LexiconSet.FunctionWords.Contains(lower) || Cues.IsCalendarWord(lower) || lexicons.DemonymWords.Contains(lower);

    /// <summary>"in Charleston": a surname too, but after "in" a capitalised place is not a word or a first name.</summary>
    private static bool IsWordOrFirstName(string lower, LexiconSet lexicons) =>
        lexicons.CommonWords.Contains(lower) || lexicons.IsFirstName(lower) || lexicons.DemonymWords.Contains(lower)
        || LexiconSet.FunctionWords.Contains(lower) || Cues.IsCalendarWord(lower);

    /// <summary>Not every word of the phrase is ordinary: "salt lake city" is a place, "long beach" could be a beach.</summary>
    private static bool Distinctive(TokenizedText text, int at, int count, LexiconSet lexicons)
    {
        for (var k = at; k < at + count; k++)
        {
            if (!lexicons.CommonWords.Contains(text[k].Base) && !LexiconSet.FunctionWords.Contains(text[k].Base))
            {
                return true;
            }
        }
        return false;
    }

    private static (int End, double Score)? LexiconOnly(TokenizedText text, int i, LexiconSet lexicons, bool capitals)
    {
        var token = text[i];
        var capitalised = capitals && token.Capitalized;
        if (lexicons.MajorPlaces.TryMatch(text, i, out var major))
        {
            if (major.Count > 1 && (Distinctive(text, i, major.Count, lexicons) || capitalised))
            {
                return (i + major.Count - 1, Confidence.Lexicon);
            }
            if (major.Count == 1 && !Ambiguous(token.Base, lexicons) && (capitalised || !capitals))
            {
                return (i, Confidence.Lexicon);
            }
            if (major.Count == 1 && capitalised && !token.SentenceStart && !Cues.IsCalendarWord(token.Base))
            {
                return (i, Confidence.Weak);
            }
        }
        if (capitalised && lexicons.Places.TryMatch(text, i, out var place))
        {
            if (place.Count > 1 && Distinctive(text, i, place.Count, lexicons) && AllCapitalised(text, i, place.Count))
            {
                return (i + place.Count - 1, Confidence.Lexicon);
            }
            if (place.Count == 1 && !token.SentenceStart && !Ambiguous(token.Base, lexicons))
            {
                return (i, Confidence.Weak);
            }
        }
        return null;
    }

    private static bool AllCapitalised(TokenizedText text, int at, int count)
    {
        for (var k = at; k < at + count; k++)
        {
            if (!text[k].Capitalized && !LexiconSet.FunctionWords.Contains(text[k].Lower))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>"Austin, Texas", "Portland Oregon", "Springfield, IL": a place right after a place belongs to it.</summary>
    private static int Extend(TokenizedText text, int end, LexiconSet lexicons, bool capitals)
    {
        while (end + 1 < text.Count && Cues.Linked(text, end + 1) && text[end].Base.Length == text[end].Lower.Length)
        {
            var nextToken = text[end + 1];
            var original = text.Text.AsSpan(nextToken.Start, nextToken.Length);
            if (original.Length == 2 && char.IsUpper(original[0]) && char.IsUpper(original[1]) && IsStateCode(nextToken.Lower))
            {
                end++;
            }
            else if (lexicons.MajorPlaces.TryMatch(text, end + 1, out var major) && (!capitals || nextToken.Capitalized))
            {
                end += major.Count;
            }
            else
            {
                break;
            }
        }
        return end;
    }

    /// <summary>"42 Main Street", "one two three oak avenue": a number, up to three name words, a street suffix.</summary>
    private static int? StreetAddress(TokenizedText text, int i)
    {
        var k = i;
        while (k < text.Count && (text[k].IsDigits || Cues.IsNumberWord(text[k].Lower)) && (k == i || text.Adjacent(k) || Cues.Linked(text, k)))
        {
            k++;
        }
        if (k == i || k >= text.Count || k - i > 6)
        {
            return null;
        }
        // Spoken numbers are everywhere ("a two way street"); a spoken house number needs an address cue before it.
        if (!text[i].IsDigits && !(text.Is(i - 1, "is") || text.Is(i - 1, "at") || text.Is(i - 1, "to") || text.Is(i - 1, "address")))
        {
            return null;
        }
        var nameStart = k;
        while (k < text.Count && k - nameStart < 4 && text.Adjacent(k) && !LexiconSet.FunctionWords.Contains(text[k].Lower))
        {
            if (k > nameStart && Array.IndexOf(StreetSuffixes, text[k].Lower) >= 0)
            {
                return k;
            }
            k++;
        }
        return null;
    }

    private static bool IsStateCode(string lower) => lower is "al" or "ak" or "az" or "ar" or "ca" or "co" or "ct" or "de"
        or "fl" or "ga" or "hi" or "id" or "il" or "in" or "ia" or "ks" or "ky" or "la" or "me" or "md" or "ma" or "mi"
        or "mn" or "ms" or "mo" or "mt" or "ne" or "nv" or "nh" or "nj" or "nm" or "ny" or "nc" or "nd" or "oh" or "ok"
        or "or" or "pa" or "ri" or "sc" or "sd" or "tn" or "tx" or "ut" or "vt" or "va" or "wa" or "wv" or "wi" or "wy"
        or "dc" or "on" or "bc" or "ab" or "qc";
}
