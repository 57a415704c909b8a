namespace Cekura.Redaction.Recognizers;

internal static class SpanOverlap
{
    /// <summary>Whether any span of <paramref name="spans"/> shares a character with <c>[start, end)</c>.</summary>
    public static bool OverlapsAny(this List<PiiSpan> spans, int start, int end)
    {
        foreach (var span in spans)
        {
            if (span.Start < end && start < span.End)
            {
                return true;
            }
        }
        return false;
    }
}
