using System.Text.RegularExpressions;

namespace Cekura.Redaction.Recognizers.Identifiers;

/// <summary>
/// The context-driven identifier types. Scores rank the more specific context above the generic one where both
/// match the same digits: "insurance member ID" is a healthcare number before it is a member ID.
/// </summary>
public static partial class IdentifierRules
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    public static IdentifierRule AccountNumber { get; } = new("account_number", AccountContext(), 4, 4, 20, 0.88);

    public static IdentifierRule PassportNumber { get; } = new("passport_number", PassportContext(), 5, 6, 12, 0.92);

    public static IdentifierRule DriverLicense { get; } = new("driver_license", DriverLicenseContext(), 4, 5, 18, 0.92);

    public static IdentifierRule HealthcareNumber { get; } = new("healthcare_number", HealthcareContext(), 3, 6, 16, 0.9);

    public static IdentifierRule NumericalPii { get; } = new("numerical_pii", NumericalContext(), 4, 4, 14, 0.8);

    public static IReadOnlyList<IdentifierRule> All { get; } = [AccountNumber, PassportNumber, DriverLicense, HealthcareNumber, NumericalPii];

    [GeneratedRegex(@"\b(?:account|acct|a/c)\b|\bcustomer\s+(?:number|id|no\b)|\bpolicy\s+(?:number|no\b|#)|\b(?:loyalty|rewards|frequent\s+flyer)\s+(?:number|id|account)", Options)]
    private static partial Regex AccountContext();

    [GeneratedRegex(@"\bpassport\b", Options)]
    private static partial Regex PassportContext();

    [GeneratedRegex(@"\b(?:driver'?s?|driving)\s+licen[cs]es?\b|\blicen[cs]e\s+(?:number|no\b|#)|\bdl\s*(?:number|no\b|#)|\bdriver'?s?\s+id\b", Options)]
    private static partial Regex DriverLicenseContext();

    [GeneratedRegex(@"\b(?:medicare|medicaid|medi-cal|mbi)\b|\bhealth\s*(?:insurance|care|plan|card)\s*(?:member\s+)?(?:number|no\b|id|#)|\binsurance\s+(?:member\s+|policy\s+|subscriber\s+)?(?:id|number)|\bnhs\s+number|\bmrn\b|\bmedical\s+record\s+(?:number|no\b)|\bpatient\s+(?:id|number)|\bsubscriber\s+(?:id|number)|\bhealth\s+card\b", Options)]
    private static partial Regex HealthcareContext();

    [GeneratedRegex(@"\b(?:member(?:ship)?|employee|student|staff|badge|tax|national|citizen|voter|club)\s+(?:id|number|no\b|#)|\bzip(?:\s*code)?\b|\bpost(?:al)?\s*code\b|\bein\b", Options)]
    private static partial Regex NumericalContext();
}
