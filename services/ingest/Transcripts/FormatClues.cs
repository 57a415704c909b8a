namespace Cekura.Ingest.Transcripts;

/// <summary>
/// How to recognise one provider's payloads (provider-formats.md §7). <see cref="Match"/> looks for what that provider
/// writes and others do not; <see cref="Fallback"/>, when there is one, for a looser shape that is tried only after no
/// provider's <see cref="Match"/> did.
/// </summary>
public sealed record FormatClues(Func<PayloadFields, bool> Match, Func<PayloadFields, bool>? Fallback = null);

/// <summary>The field names, <c>type</c> values and <c>role</c> values seen near the top of a payload.</summary>
public sealed class PayloadFields
{
    internal HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys that held a string at least once (e.g. an ISO <c>timestamp</c> rather than seconds).</summary>
    internal HashSet<string> TextKeys { get; } = new(StringComparer.Ordinal);

    public HashSet<string> TypeValues { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Roles { get; } = new(StringComparer.Ordinal);

    public bool Has(string key) => Keys.Contains(key);

    public bool HasText(string key) => TextKeys.Contains(key);
}
