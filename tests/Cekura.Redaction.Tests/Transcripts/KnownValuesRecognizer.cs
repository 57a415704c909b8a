using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Tests.Transcripts;

/// <summary>
/// Finds exact, known values (ordinal match, every occurrence) so the tests exercise the stage's mechanics without
/// depending on how well the real recognizers detect. Records the contexts it was called with.
/// </summary>
public sealed class KnownValuesRecognizer(params (string Value, string EntityType)[] values) : IPiiRecognizer
{
    public IReadOnlyCollection<string> EntityTypes => values.Select(v => v.EntityType).Distinct().ToList();

    public List<RecognizerContext> Contexts { get; } = [];

    public IEnumerable<PiiSpan> Find(string text, RecognizerContext context)
    {
        lock (Contexts)
        {
            Contexts.Add(context);
        }
        foreach (var (value, type) in values)
        {
            for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
            {
                yield return new PiiSpan(at, value.Length, type, 0.9, "known-values");
            }
        }
    }
}
