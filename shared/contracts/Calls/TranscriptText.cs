using System.Globalization;

namespace Cekura.Contracts.Calls;

/// <summary>The <c>transcript</c> text: one line per speech turn, <c>[MM:SS] Role: content</c>.</summary>
public static class TranscriptText
{
    public static string Render(IReadOnlyList<TranscriptEntry> entries) =>
        string.Join("\n", entries.Where(e => e.IsSpeech).Select(e => $"[{Clock(e.StartTime ?? 0)}] {e.Role}: {e.Content}"));

    /// <summary>MM:SS where minutes may exceed 59, as Cekura shows durations.</summary>
    public static string Clock(double seconds)
    {
        var total = (long)Math.Floor(Math.Max(0, seconds));
        return string.Create(CultureInfo.InvariantCulture, $"{total / 60:00}:{total % 60:00}");
    }
}
