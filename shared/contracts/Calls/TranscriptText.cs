using System.Globalization;
using System.Text;

namespace Cekura.Contracts.Calls;

/// <summary>The <c>transcript</c> text: one line per speech turn, <c>[MM:SS] Role: content</c>.</summary>
public static class TranscriptText
{
    /// <remarks>
    /// Rendered for every call view and every evaluation, so it writes straight into one buffer sized up front
    /// rather than formatting a string per turn and joining them (a few percent of the host's CPU under load).
    /// </remarks>
    public static string Render(IReadOnlyList<TranscriptEntry> entries)
    {
        var length = 0;
        foreach (var entry in entries)
        {
            if (entry.IsSpeech)
            {
                length += 12 + entry.Role.Length + entry.Content.Length;
            }
        }
        var text = new StringBuilder(length);
        foreach (var entry in entries)
        {
            if (!entry.IsSpeech)
            {
                continue;
            }
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            var total = Seconds(entry.StartTime ?? 0);
            text.Append(CultureInfo.InvariantCulture, $"[{total / 60:00}:{total % 60:00}] {entry.Role}: {entry.Content}");
        }
        return text.ToString();
    }

    /// <summary>MM:SS where minutes may exceed 59, as Cekura shows durations.</summary>
    public static string Clock(double seconds)
    {
        var total = Seconds(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{total / 60:00}:{total % 60:00}");
    }

    private static long Seconds(double seconds) => (long)Math.Floor(Math.Max(0, seconds));
}
