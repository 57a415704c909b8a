namespace Cekura.Redaction.Recognizers;

/// <summary>A piece of PII found in a text: characters <c>[Start, Start + Length)</c>.</summary>
/// <param name="EntityType">One of the 29 names of <c>RedactionEntities.All</c>, e.g. <c>credit_card</c>.</param>
/// <param name="Score">0..1: how sure the recognizer is; the analyzer prefers the higher score where spans overlap.</param>
/// <param name="Recognizer">Which recognizer found it (for debugging and the quality report, never shown to clients).</param>
public sealed record PiiSpan(int Start, int Length, string EntityType, double Score, string Recognizer)
{
    public int End => Start + Length;
}

/// <summary>What the recognizers are asked for, and hints about the call.</summary>
/// <param name="Requested">The entity types to find (the call's <c>redact_fields</c>); recognizers may skip the rest.</param>
/// <param name="RegionHint">ISO 3166 region of the call's <c>customer_number</c> (e.g. <c>US</c>), for phone numbers
/// written without a country code; null when unknown.</param>
public sealed record RecognizerContext(IReadOnlySet<string> Requested, string? RegionHint = null)
{
    public bool Wants(string entityType) => Requested.Contains(entityType);
}

/// <summary>
/// Finds one family of PII in plain text. Recognizers are plain C#, stateless after construction (lexicons are
/// loaded once), and safe to call from several threads; a model-based recognizer can be added behind this interface.
/// </summary>
public interface IPiiRecognizer
{
    /// <summary>The entity types this recognizer can produce.</summary>
    IReadOnlyCollection<string> EntityTypes { get; }

    IEnumerable<PiiSpan> Find(string text, RecognizerContext context);
}
