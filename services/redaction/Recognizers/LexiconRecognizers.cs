using Cekura.Redaction.Recognizers.Event;
using Cekura.Redaction.Recognizers.GenderSexuality;
using Cekura.Redaction.Recognizers.Lexicons;
using Cekura.Redaction.Recognizers.Location;
using Cekura.Redaction.Recognizers.MedicalProfessional;
using Cekura.Redaction.Recognizers.Occupation;
using Cekura.Redaction.Recognizers.Origin;
using Cekura.Redaction.Recognizers.PersonName;
using Cekura.Redaction.Recognizers.PhysicalAttribute;

namespace Cekura.Redaction.Recognizers;

/// <summary>
/// The built-in, offline recognizers for the free-text types: <c>person_name, location, origin, occupation,
/// medical_professional, event, physical_attribute, gender_sexuality</c>. Lexicons are read from embedded resources on
/// the first call that needs them; create the list once and share it.
/// </summary>
public static class LexiconRecognizers
{
    public static IReadOnlyList<IPiiRecognizer> Create() =>
    [
        new FreeTextRecognizer(
            new Lazy<LexiconSet>(LexiconSet.Load, LazyThreadSafetyMode.ExecutionAndPublication),
            [
                new PersonNameDetector(),
                new LocationDetector(),
                new OriginDetector(),
                new OccupationDetector(),
                new MedicalProfessionalDetector(),
                new EventDetector(),
                new PhysicalAttributeDetector(),
                new GenderSexualityDetector(),
            ]),
    ];
}
