using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.MedicalProfessional;

/// <summary>
/// The caller's care providers. Specialists ("cardiologist", "pediatrician") name a person's care whatever precedes
/// them; generic words ("doctor", "nurse", "therapist") only after a possessive ("my doctor", "her therapist", "my
/// mom's nurse"), since "see a doctor" or "the nurse line" says nothing about anyone.
/// </summary>
internal sealed class MedicalProfessionalDetector : IFreeTextDetector
{
    private static readonly HashSet<string> Possessives = new(StringComparer.Ordinal)
    {
        "my", "his", "her", "their", "our", "your",
    };

    private static readonly HashSet<string> Modifiers = new(StringComparer.Ordinal)
    {
        "primary", "care", "regular", "family", "new", "old", "former", "usual", "own", "home", "health", "hospice",
        "visiting", "personal", "main", "current", "previous", "attending", "treating", "mental", "physical", "speech",
    };

    public string EntityType => "medical_professional";

    public void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found)
    {
        for (var i = 0; i < text.Count; i++)
        {
            if (!lexicons.MedicalProfessionals.TryMatch(text, i, out var match))
            {
                continue;
            }
            var start = i;
            while (start > 0 && i - start < 3 && text.Adjacent(start) && Modifiers.Contains(text[start - 1].Lower))
            {
                start--;
            }
            var owned = start > 0 && text.Adjacent(start) && (Possessives.Contains(text[start - 1].Lower) || text[start - 1].Base != text[start - 1].Lower);
            // "my doctor, Dr. Patel": the name is person_name; a title before a name ("Doctor Patel") is not a profession here.
            var titleOfName = match.Count == 1 && text[i].Lower is "doctor" or "doc" or "nurse" && i + 1 < text.Count && text.Adjacent(i + 1) && text[i + 1].Capitalized;
            var last = text[i + match.Count - 1];
            var service = last.Base == last.Lower && i + match.Count < text.Count && text.Adjacent(i + match.Count)
                && text[i + match.Count].Lower is "line" or "hotline" or "appointment" or "visit" or "office" or "note" or "bill";
            if ((match.Value || owned) && !titleOfName && !service)
            {
                var spanStart = match.Value ? i : start;
                found.Add(new PiiSpan(text[spanStart].Start, match.End - text[spanStart].Start, EntityType,
                    owned ? Confidence.Cue : Confidence.WeakCue, nameof(MedicalProfessionalDetector)));
            }
            i += match.Count - 1;
        }
    }
}
