namespace Cekura.Contracts.Redaction;

/// <summary>The 29 PII entity types that <c>redact_fields</c> may name.</summary>
public static class RedactionEntities
{
    public static readonly IReadOnlyList<string> All =
    [
        "person_name", "age", "phone_number", "email_address", "date", "time", "location", "origin",
        "gender_sexuality", "physical_attribute", "occupation", "username", "password", "ip_address", "url",
        "filename", "event", "vehicle_id", "dob", "healthcare_number", "medical_professional", "credit_card",
        "account_number", "bank_account", "money", "ssn", "passport_number", "driver_license", "numerical_pii",
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string name) => Known.Contains(name);
}
