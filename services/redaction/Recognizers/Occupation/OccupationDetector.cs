using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.Occupation;

/// <summary>
/// What someone does for a living, only after a cue that says so ("I'm a nurse", "I work as a truck driver", "my
/// husband is an electrician", "my job is"): job words have other senses ("the driver needs updating", "a pilot
/// program", "our server is down") that no list can tell apart. Qualifiers before the job stay in the span
/// ("registered nurse", "high school teacher").
/// </summary>
internal sealed class OccupationDetector : IFreeTextDetector
{
    private readonly PhraseTable<bool> _cues = new(new[]
    {
        "i'm a", "i'm an", "i am a", "i am an", "im a", "im an", "i work as a", "i work as an", "work as a", "work as an",
        "working as a", "working as an", "worked as a", "worked as an", "works as a", "works as an", "job as a",
        "job as an", "employed as a", "employed as an", "my job is", "my occupation is", "my profession is",
        "occupation is", "profession is", "occupation", "he's a", "he's an", "she's a", "she's an", "he is a", "he is an",
        "she is a", "she is an", "they're a", "i was a", "i was an", "career as a", "career as an", "i'm the", "i am the",
        "is a", "is an", "was a", "was an",
    }.Select(c => (c, true)));

    /// <summary>People before "is a": "my wife is a teacher", not "the issue is a driver problem".</summary>
    private static readonly HashSet<string> PersonWords = new(StringComparer.Ordinal)
    {
        "husband", "wife", "son", "daughter", "mother", "father", "mom", "dad", "brother", "sister", "partner", "friend",
        "boyfriend", "girlfriend", "he", "she", "who", "spouse", "fiance", "fiancee", "kid", "child", "aunt", "uncle",
        "cousin", "neighbor", "roommate", "grandson", "granddaughter",
    };

    /// <summary>Nouns after a job word that show it is not a job ("pilot program", "driver update", "server error").</summary>
    private static readonly HashSet<string> NotAJob = new(StringComparer.Ordinal)
    {
        "program", "project", "update", "updates", "error", "issue", "issues", "problem", "software", "version", "mode",
        "study", "test", "license", "seat", "side", "room", "station", "fan",
    };

    public string EntityType => "occupation";

    public void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found)
    {
        for (var i = 0; i < text.Count; i++)
        {
            if (!_cues.TryMatch(text, i, out var cue))
            {
                continue;
            }
            var at = i + cue.Count;
            var isA = cue.Count <= 2 && (text[i].Lower is "is" or "was");
            if (isA && (i == 0 || !PersonWords.Contains(text[i - 1].Base)) || !Cues.Linked(text, at))
            {
                continue;
            }
            var start = at;
            while (at < text.Count && at - start < 3 && lexicons.OccupationQualifiers.Contains(text[at].Lower) && (at == start || text.Adjacent(at)))
            {
                at++;
            }
            // Try the longest reading first: "nurse practitioner" over "nurse", then without qualifiers ("a retired" + "cook").
            if (at < text.Count && (at == start || text.Adjacent(at)) && lexicons.Occupations.TryMatch(text, at, out var job)
                && !(at + job.Count < text.Count && text.Adjacent(at + job.Count) && NotAJob.Contains(text[at + job.Count].Lower)))
            {
                found.Add(new PiiSpan(text[start].Start, job.End - text[start].Start, EntityType, Confidence.Cue, nameof(OccupationDetector)));
                i = at + job.Count - 1;
            }
        }
    }
}
