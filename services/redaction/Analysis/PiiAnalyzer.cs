using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Analysis;

/// <summary>
/// Runs every recognizer that can produce a requested type over a text and returns non-overlapping spans in text
/// order: where spans overlap, the higher score wins, then the longer span, then the earlier one.
/// </summary>
public sealed class PiiAnalyzer(IEnumerable<IPiiRecognizer> recognizers)
{
    private readonly IReadOnlyList<IPiiRecognizer> _recognizers = recognizers.ToList();

    public IReadOnlyList<PiiSpan> Analyze(string text, RecognizerContext context)
    {
        if (text.Length == 0 || context.Requested.Count == 0)
        {
            return [];
        }
        var candidates = new List<PiiSpan>();
        foreach (var recognizer in _recognizers)
        {
            if (recognizer.EntityTypes.Any(context.Wants))
            {
                candidates.AddRange(recognizer.Find(text, context).Where(s => context.Wants(s.EntityType) && s.Length > 0));
            }
        }
        return Resolve(candidates);
    }

    /// <summary>Greedy by preference; a span is kept only if it overlaps nothing already kept.</summary>
    internal static IReadOnlyList<PiiSpan> Resolve(IEnumerable<PiiSpan> candidates)
    {
        var kept = new List<PiiSpan>();
        foreach (var span in candidates.OrderByDescending(s => s.Score).ThenByDescending(s => s.Length).ThenBy(s => s.Start))
        {
            if (!kept.Any(k => k.Start < span.End && span.Start < k.End))
            {
                kept.Add(span);
            }
        }
        kept.Sort((a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }
}
