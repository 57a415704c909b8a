using Cekura.Contracts.Calls;

namespace Cekura.Redaction.Usage;

/// <summary>
/// Redaction is billed per call-minute whenever any field is selected: the call's duration rounded up to a tenth of
/// a minute, times the configured price.
/// </summary>
public static class RedactionMeter
{
    public static RedactionUsage Measure(double? durationSeconds, double creditsPerMinute)
    {
        var seconds = Math.Max(0, durationSeconds ?? 0);
        // Whole tenths of a minute are 6 s; rounding the seconds first keeps float dust (60.000000001 s) from
        // billing an extra tenth.
        var tenths = (long)Math.Ceiling(Math.Round(seconds, 3) / 6);
        var minutes = tenths / 10.0;
        return new RedactionUsage(minutes, Math.Round(minutes * creditsPerMinute, 6));
    }
}
