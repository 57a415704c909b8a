using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.PhysicalAttribute;

/// <summary>
/// How someone looks or what their body can do: height ("I'm six foot two", "5'10\""), weight ("I weigh 180
/// pounds"), hair and eye colour ("brown hair", "blue eyes"), disabilities after "I'm"/"he's" ("I'm deaf", "she's
/// legally blind"), and aids ("I use a wheelchair", "hearing aids"). Each needs the word pair or the cue, so "blue",
/// "deaf ears" or "a six foot cable" stay as they are.
/// </summary>
internal sealed class PhysicalAttributeDetector : IFreeTextDetector
{
    private static readonly HashSet<string> HairWords = new(StringComparer.Ordinal)
    {
        "black", "brown", "blonde", "blond", "red", "gray", "grey", "white", "auburn", "dark", "light", "curly", "straight",
        "wavy", "long", "short", "silver", "ginger", "dyed", "pink", "purple", "blue", "green", "thinning", "strawberry",
        "sandy", "salt", "and", "pepper", "shoulder", "length", "shoulder-length", "braided",
    };

    private static readonly HashSet<string> EyeWords = new(StringComparer.Ordinal)
    {
        "blue", "green", "brown", "hazel", "gray", "grey", "dark", "black", "light",
    };

    private readonly PhraseTable<bool> _beings = new(new[]
    {
        "i'm", "i am", "im", "he's", "she's", "he is", "she is", "they're", "they are", "i'm about", "he's about",
        "she's about", "i am about", "i'm completely", "i'm partially", "i'm totally", "i'm mostly", "i'm a little", "i'm a bit", "i'm slightly",
        "i'm kind of", "i'm profoundly", "my son is", "my daughter is", "my husband is", "my wife is",
        "my mother is", "my father is", "my height is", "height is", "i stand", "he stands", "she stands",
    }.Select(c => (c, true)));

    private readonly PhraseTable<bool> _conditions = new(new[]
    {
        "deaf", "blind", "legally blind", "hard of hearing", "paralyzed", "paraplegic", "quadriplegic", "an amputee",
        "amputee", "visually impaired", "hearing impaired", "wheelchair bound", "wheelchair-bound", "bald", "overweight",
        "obese", "mute", "nonverbal", "non-verbal", "color blind", "colorblind", "deaf-blind", "partially sighted",
        "disabled", "handicapped", "legally deaf",
    }.Select(c => (c, true)));

    private readonly PhraseTable<bool> _aids = new(new[]
    {
        "wheelchair", "power wheelchair", "hearing aid", "hearing aids", "cochlear implant", "cochlear implants",
        "prosthetic leg", "prosthetic arm", "prosthetic", "walker", "cane", "white cane", "guide dog", "service dog",
        "oxygen tank", "feeding tube",
    }.Select(c => (c, true)));

    private readonly PhraseTable<bool> _aidCues = new(new[]
    {
        "use a", "uses a", "using a", "in a", "wear", "wears", "wearing", "have a", "has a", "i have", "she has", "he has",
        "need a", "needs a", "with a", "rely on a", "my", "his", "her",
    }.Select(c => (c, true)));

    public string EntityType => "physical_attribute";

    public void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found)
    {
        for (var i = 0; i < text.Count; i++)
        {
            if (Height(text, i) is { } height)
            {
                Add(found, text, i, height, Confidence.Cue);
                i = height;
            }
            else if (text.Is(i, "weigh") || text.Is(i, "weighs") || (text.Is(i, "is") && text.Is(i - 1, "weight")))
            {
                if (Weight(text, i + 1) is { } weight)
                {
                    Add(found, text, weight.First, weight.Last, Confidence.Cue);
                    i = weight.Last;
                }
            }
            else if (Feature(text, i, "hair", HairWords) is { } hair)
            {
                Add(found, text, i, hair, Confidence.WeakCue);
                i = hair;
            }
            else if (Feature(text, i, "eyes", EyeWords) is { } eyes)
            {
                Add(found, text, i, eyes, Confidence.WeakCue);
                i = eyes;
            }
            else if (_beings.TryMatch(text, i, out var being) && Cues.Linked(text, i + being.Count)
                     && _conditions.TryMatch(text, i + being.Count, out var condition)
                     && !(text.Is(i + being.Count + condition.Count, "on") || text.Is(i + being.Count + condition.Count, "to")))
            {
                var at = i + being.Count;
                var from = text[at].Lower is "an" ? at + 1 : at;
                Add(found, text, from, at + condition.Count - 1, Confidence.Cue);
                i = at + condition.Count - 1;
            }
            else if (_aidCues.TryMatch(text, i, out var aidCue) && text.Adjacent(i + aidCue.Count)
                     && _aids.TryMatch(text, i + aidCue.Count, out var aid)
                     && !(text.Is(i + aidCue.Count + aid.Count, "ramp") || text.Is(i + aidCue.Count + aid.Count, "access")
                          || text.Is(i + aidCue.Count + aid.Count, "accessible") || text.Is(i + aidCue.Count + aid.Count, "sugar")))
            {
                var at = i + aidCue.Count;
                Add(found, text, at, at + aid.Count - 1, Confidence.WeakCue);
                i = at + aid.Count - 1;
            }
        }
    }

    private static void Add(List<PiiSpan> found, TokenizedText text, int first, int last, double score) =>
        found.Add(new PiiSpan(text[first].Start, text[last].BaseEnd - text[first].Start, "physical_attribute", score, nameof(PhysicalAttributeDetector)));

    /// <summary>"six foot two", "5 feet 10 inches", "5'10": after a cue about a person, or the feet-and-inches mark anywhere.</summary>
    private int? Height(TokenizedText text, int i)
    {
        var token = text[i];
        if (token.Lower.Length >= 3 && char.IsAsciiDigit(token.Lower[0]) && token.Lower.Contains('\'') && token.Lower.Split('\'').All(p => p.Length is > 0 and <= 2 && p.All(char.IsAsciiDigit)))
        {
            return i;
        }
        if (!IsNumber(text, i) || !PersonBefore(text, i))
        {
            return null;
        }
        var k = i + 1;
        if (!(text.Is(k, "foot") || text.Is(k, "feet") || text.Is(k, "ft")) || !text.Adjacent(k))
        {
            return null;
        }
        var end = k;
        if (IsNumber(text, k + 1) && text.Adjacent(k + 1))
        {
            end = k + 1;
            if ((text.Is(end + 1, "inches") || text.Is(end + 1, "inch") || text.Is(end + 1, "in")) && text.Adjacent(end + 1))
            {
                end++;
            }
        }
        return end;
    }

    private bool PersonBefore(TokenizedText text, int i)
    {
        for (var start = Math.Max(0, i - 3); start < i; start++)
        {
            if (_beings.TryMatch(text, start, out var cue) && start + cue.Count == i)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>"180 pounds", "about ninety kilos": number words then a unit; "about" stays out of the span.</summary>
    private static (int First, int Last)? Weight(TokenizedText text, int i)
    {
        var k = text.Is(i, "about") || text.Is(i, "around") ? i + 1 : i;
        var start = k;
        while (IsNumber(text, k) || text.Is(k, "and") && k > start)
        {
            k++;
        }
        return k > start && (text.Is(k, "pounds") || text.Is(k, "lbs") || text.Is(k, "kilos") || text.Is(k, "kg") || text.Is(k, "kilograms"))
            ? (start, k) : null;
    }

    private static bool IsNumber(TokenizedText text, int i) => i >= 0 && i < text.Count && (text[i].IsDigits || Cues.IsNumberWord(text[i].Lower));

    /// <summary>One or two describing words directly before "hair"/"eyes": the span covers them and the noun.</summary>
    private static int? Feature(TokenizedText text, int i, string noun, HashSet<string> describing)
    {
        var k = i;
        while (k < text.Count && k - i < 4 && describing.Contains(text[k].Lower) && text[k].Lower != "and" && (k == i || text.Adjacent(k))
               || k > i && k < text.Count && text[k].Lower == "and" && text.Adjacent(k))
        {
            k++;
        }
        return k > i && text.Is(k, noun) && text.Adjacent(k) && text[k - 1].Lower != "and" ? k : null;
    }
}
