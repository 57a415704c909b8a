namespace Cekura.Redaction.Recognizers.Lexicons;

/// <summary>How sure a free-text detector is, from its evidence; the analyzer keeps the higher score where spans overlap.</summary>
internal static class Confidence
{
    /// <summary>A cue that names the type ("my name is", "I live in", "I'm a") before a lexicon entry.</summary>
    public const double Cue = 0.9;

    /// <summary>A looser cue ("thanks", "in", "my") before a lexicon entry, or a cue before an unknown capitalised word.</summary>
    public const double WeakCue = 0.8;

    /// <summary>A lexicon entry on its own, capitalised where capitals carry meaning or unambiguous as a word.</summary>
    public const double Lexicon = 0.6;

    /// <summary>A lexicon entry that is also a common word or another type's entry.</summary>
    public const double Weak = 0.5;
}

/// <summary>Finds one free-text entity type in a text that was split into tokens once for all detectors.</summary>
internal interface IFreeTextDetector
{
    string EntityType { get; }

    void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found);
}

/// <summary>
/// The offline recognizer for free-text PII (names, places, origins, occupations, medical professionals, events,
/// physical attributes, gender and sexuality): tokenises a text once and runs the detector of each requested type
/// over it. Lexicons load on first use and are shared by every call.
/// </summary>
public sealed class FreeTextRecognizer : IPiiRecognizer
{
    private readonly Lazy<LexiconSet> _lexicons;
    private readonly IReadOnlyList<IFreeTextDetector> _detectors;

    internal FreeTextRecognizer(Lazy<LexiconSet> lexicons, IReadOnlyList<IFreeTextDetector> detectors)
    {
        _lexicons = lexicons;
        _detectors = detectors;
        EntityTypes = detectors.Select(d => d.EntityType).ToArray();
    }

    public IReadOnlyCollection<string> EntityTypes { get; }

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        var found = new List<PiiSpan>();
        TokenizedText? tokens = null;
        foreach (var detector in _detectors)
        {
            if (context.Wants(detector.EntityType))
            {
                tokens ??= TokenizedText.Create(text);
                detector.Find(tokens, _lexicons.Value, found);
            }
        }
        return found;
    }
}
