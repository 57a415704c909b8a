using System.Globalization;
using System.Runtime.InteropServices;

namespace Cekura.Speech.Threading;

/// <summary>
/// The Linux nice value of the calling thread. On Linux nice is a per-thread attribute (setpriority with a thread id),
/// so one process can run its requests at 0 and its background analyses at 10; a child process started from such a
/// thread inherits its value. Raising nice needs no privilege; lowering it again does, so a thread that was made
/// nicer stays that way.
/// </summary>
internal static class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value.</summary>
    /// <returns>Null when set; otherwise why not (not Linux, or the system call's error).</returns>
    public static string? TrySetCurrent(int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "thread priorities are only lowered on Linux";
        }
        return setpriority(PrioProcess, gettid(), nice) == 0
            ? null
            : $"setpriority failed (errno {Marshal.GetLastPInvokeError()})";
    }

    /// <summary>The calling thread's nice value from <c>/proc/thread-self/stat</c>; null where there is no such file.</summary>
    public static int? ReadCurrent()
    {
        if (!File.Exists("/proc/thread-self/stat"))
        {
            return null;
        }
        // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses:
        // state is field 3, nice is field 19 (proc(5)).
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], CultureInfo.InvariantCulture);
    }

    // Blittable int arguments: no marshalling code is generated, so DllImport needs no unsafe blocks.
    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
