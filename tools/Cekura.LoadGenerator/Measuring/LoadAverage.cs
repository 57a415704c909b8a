using System.Globalization;

namespace Cekura.LoadGenerator.Measuring;

/// <summary>The 1-minute load average from /proc/loadavg (Linux); null elsewhere.</summary>
public static class LoadAverage
{
    public static double? Read()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
