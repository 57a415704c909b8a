using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;

namespace Cekura.Redaction.Recognizers.Lexicons;

/// <summary>
/// The word lists behind the free-text recognizers, read once from the resources embedded from <c>Data/</c> (sources
/// and licences in NOTICE). Immutable after <see cref="Load"/>, so one instance serves every thread.
/// </summary>
internal sealed class LexiconSet
{
    /// <summary>Surnames ranked this high by the census are names even when they are also words ("smith", "brown").</summary>
    private const int FrequentSurnameRank = 2000;

    private LexiconSet() { }

    public required FrozenSet<string> FirstNames { get; init; }

    /// <summary>Surname → census frequency rank (0 = most frequent).</summary>
    public required FrozenDictionary<string, int> Surnames { get; init; }

    /// <summary>Lower-case English words (SCOWL size 50): a token in here may be an ordinary word.</summary>
    public required FrozenSet<string> CommonWords { get; init; }

    /// <summary>First names that are mainly names even though SCOWL lists them as words ("john", "mike").</summary>
    public required FrozenSet<string> NamesNotWords { get; init; }

    /// <summary>Cities of English-speaking countries (GeoNames) and country names: recognised with a cue or a capital.</summary>
    public required PhraseTable<bool> Places { get; init; }

    /// <summary>States, provinces, countries and well-known cities: recognised in lower-case text too.</summary>
    public required PhraseTable<bool> MajorPlaces { get; init; }

    public required PhraseTable<bool> Demonyms { get; init; }

    public required PhraseTable<bool> Occupations { get; init; }

    public required FrozenSet<string> OccupationQualifiers { get; init; }

    /// <summary>Value: true for a specialist, recognised without a possessive cue.</summary>
    public required PhraseTable<bool> MedicalProfessionals { get; init; }

    /// <summary>Value: true for an event noun complete on its own ("wedding"), false for one that needs a qualifier ("party").</summary>
    public required PhraseTable<bool> Events { get; init; }

    public required FrozenSet<string> EventQualifiers { get; init; }

    /// <summary>One-word demonyms: "German" is in the first-name list and "English" a town, but both are origins first.</summary>
    public required FrozenSet<string> DemonymWords { get; init; }

    /// <summary>A first name that is also an ordinary English word ("will", "grace", "mark"): needs a capital or a strong cue.</summary>
    public bool IsAmbiguousName(string lower) => CommonWords.Contains(lower) && !NamesNotWords.Contains(lower);

    public bool IsFirstName(string lower) => FirstNames.Contains(lower) && !FunctionWords.Contains(lower) && !DemonymWords.Contains(lower);

    /// <summary>A surname that can stand after a first name in lower-case text: not an ordinary word, or a frequent surname.</summary>
    public bool IsLikelySurname(string lower) =>
        Surnames.TryGetValue(lower, out var rank) && !FunctionWords.Contains(lower)
        && (rank < FrequentSurnameRank || !CommonWords.Contains(lower));

    /// <summary>
    /// Words the name lists contain (the Moby list has "so", "an", "my") that are never taken as a name, and words that
    /// end a name in running speech ("this is john from billing").
    /// </summary>
    public static readonly FrozenSet<string> FunctionWords = new[]
    {
        "a", "an", "and", "any", "are", "as", "at", "be", "but", "by", "calling", "can", "did", "do", "does", "else",
        "even", "far", "for", "from", "had", "has", "have", "he", "her", "here", "hi", "his", "how", "i", "i'm", "in", "is",
        "it", "just", "la", "ma", "many", "me", "mi", "my", "no", "not", "of", "oh", "ok", "okay", "on", "or", "pa", "say",
        "see", "she", "so", "soon", "speaking", "that", "the", "their", "them", "then", "there", "they", "this", "to",
        "too", "um", "uh", "up", "us", "was", "we", "well", "what", "when", "where", "who", "why", "with", "yeah", "yes",
        "you", "your", "sir", "ma'am", "thanks", "thank", "please", "again", "now", "today", "calling", "call",
        "about", "over", "into", "like", "one", "two", "all", "our",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static LexiconSet Load()
    {
        var places = ReadGz("cities.txt.gz").Concat(ReadGz("countries.txt.gz")).Concat(ReadText("regions.txt")).ToList();
        var surnames = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in ReadGz("surnames.txt.gz"))
        {
            surnames.TryAdd(name, surnames.Count);
        }
        var medical = ReadText("medical-professionals.txt").Select(Flagged).ToList();
        var events = ReadText("events.txt").Select(Flagged).ToList();
        var demonyms = ReadText("demonyms.txt");
        return new LexiconSet
        {
            FirstNames = ReadGz("first-names.txt.gz").ToFrozenSet(StringComparer.Ordinal),
            Surnames = surnames.ToFrozenDictionary(StringComparer.Ordinal),
            CommonWords = ReadGz("common-words.txt.gz").ToFrozenSet(StringComparer.Ordinal),
            NamesNotWords = ReadText("names-not-words.txt").ToFrozenSet(StringComparer.Ordinal),
            Places = new PhraseTable<bool>(places.Select(p => (p, true))),
            MajorPlaces = new PhraseTable<bool>(ReadText("regions.txt").Concat(ReadGz("countries.txt.gz")).Select(p => (p, true))),
            Demonyms = new PhraseTable<bool>(demonyms.Select(p => (p, true))),
            DemonymWords = demonyms.Where(d => !d.Contains(' ')).ToFrozenSet(StringComparer.Ordinal),
            Occupations = new PhraseTable<bool>(ReadText("occupations.txt").Select(p => (p, true))),
            OccupationQualifiers = ReadText("occupation-qualifiers.txt").ToFrozenSet(StringComparer.Ordinal),
            MedicalProfessionals = new PhraseTable<bool>(medical),
            Events = new PhraseTable<bool>(events),
            EventQualifiers = ReadText("event-qualifiers.txt").ToFrozenSet(StringComparer.Ordinal),
        };
    }

    private static (string, bool) Flagged(string line) => line.StartsWith('!') ? (line[1..], true) : (line, false);

    private static IEnumerable<string> ReadText(string name)
    {
        using var reader = new StreamReader(Open(name));
        return Lines(reader).ToList();
    }

    private static IEnumerable<string> ReadGz(string name)
    {
        using var reader = new StreamReader(new GZipStream(Open(name), CompressionMode.Decompress));
        return Lines(reader).ToList();
    }

    private static IEnumerable<string> Lines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                yield return line;
            }
        }
    }

    private static Stream Open(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("Cekura.Redaction.Data." + name)
        ?? throw new InvalidOperationException($"Embedded lexicon {name} is missing from the assembly");
}
