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
    private const int SchedIdle = 5;

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

    /// <summary>
    /// Puts the calling thread under <c>SCHED_IDLE</c>: it runs only when a core has nothing else to run (its weight is
    /// below even nice 19's). Needs no privilege; like nice, it is per thread and inherited by child processes.
    /// </summary>
    /// <returns>Null when set; otherwise why not.</returns>
    public static string? TrySetIdleCurrent()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the idle scheduling policy exists only on Linux";
        }
        var parameters = new SchedParam { Priority = 0 };
        return sched_setscheduler(gettid(), SchedIdle, ref parameters) == 0
            ? null
            : $"sched_setscheduler(SCHED_IDLE) failed (errno {Marshal.GetLastPInvokeError()})";
    }

    /// <summary>The calling thread's scheduling policy from <c>/proc/thread-self/stat</c> (field 41: 0 normal, 5 idle).</summary>
    public static int? ReadPolicyCurrent() => ReadStatField(41);

    /// <summary>The calling thread's nice value from <c>/proc/thread-self/stat</c>; null where there is no such file.</summary>
    public static int? ReadCurrent() => ReadStatField(19);

    private static int? ReadStatField(int field)
    {
        if (!File.Exists("/proc/thread-self/stat"))
        {
            return null;
        }
        // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses:
        // state is field 3, nice is field 19 (proc(5)).
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[field - 3], CultureInfo.InvariantCulture);
    }

    // Blittable int arguments: no marshalling code is generated, so DllImport needs no unsafe blocks.
    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setscheduler(int pid, int policy, ref SchedParam parameters);

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }
}
