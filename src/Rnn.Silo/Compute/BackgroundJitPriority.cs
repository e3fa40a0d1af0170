using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Rnn.Silo.Compute;

/// <summary>
/// Puts the runtime's tiered-compilation worker — the background JIT that recompiles a method at tier 1 once it has
/// been called 30 times — under Linux's SCHED_IDLE policy while a run-ahead's kernels keep every core busy. At normal
/// priority the worker preempts a kernel thread whenever the silo's checkpoint, evaluation and stream paths reach the
/// threshold (through the last epoch of a short run), and the other kernel thread then waits for it at the next join:
/// the steps after each checkpoint and evaluation of seq-mnist-lstm1 in local mode took 145–180 ms longer over a run
/// than the others, ~50 ms with the worker under SCHED_IDLE, 31–44 ms with tiering off (docs/benchmarks.md). Under
/// SCHED_IDLE it compiles on a core that would otherwise idle (a kernel thread blocked at a join, a step's I/O) and
/// never preempts a kernel thread; the tier-1 code arrives later. Best effort: elsewhere than Linux, or where the call
/// is refused, nothing changes.
/// </summary>
/// <remarks>
/// The runtime has no API for its worker thread; it is found by its name (Linux keeps 15 bytes of it). The runtime
/// may end an idle worker and start another, which begins at its creator's normal priority, so <see cref="Apply"/> is
/// called between steps and looks again at most once per <paramref name="rescanInterval"/>. Lowering a thread's
/// policy needs no privilege; raising it back would (RLIMIT_NICE), so a worker lowered during a run stays so until the
/// runtime replaces it.
/// </remarks>
/// <param name="threadName">The thread's name as /proc shows it (tests name their own thread).</param>
/// <param name="rescanInterval">Least time between two looks for the thread.</param>
public sealed class BackgroundJitPriority(string threadName, TimeSpan rescanInterval)
{
    /// <summary>".NET Tiered Compilation Worker" as Linux keeps it.</summary>
    public const string TieredCompilationWorker = ".NET Tiered Com";

    private const int SchedIdle = 5;
    private static readonly string TaskFolder = $"/proc/{Environment.ProcessId}/task";
    private readonly long _rescanTicks = (long)(rescanInterval.TotalSeconds * Stopwatch.Frequency);
    private long _nextLook = long.MinValue;
    private int _lowered = -1;

    public BackgroundJitPriority() : this(TieredCompilationWorker, TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>
    /// The thread last put under SCHED_IDLE while it still runs under that name, else the one found now (at most once
    /// per rescan interval); -1 when there is none or the system refused.
    /// </summary>
    public int Apply()
    {
        if (!OperatingSystem.IsLinux()) return -1;
        var now = Stopwatch.GetTimestamp();
        if (now < _nextLook) return _lowered;
        _nextLook = now + _rescanTicks;
        if (_lowered >= 0 && NameOf(_lowered) == threadName) return _lowered;
        var tid = FindThread(threadName);
        var idle = new SchedParam();
        _lowered = tid >= 0 && SetScheduler(tid, SchedIdle, ref idle) == 0 ? tid : -1;
        return _lowered;
    }

    /// <summary>The id of this process's thread named <paramref name="name"/> as /proc shows it; -1 when there is none.</summary>
    public static int FindThread(string name)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        foreach (var task in Directory.EnumerateDirectories(TaskFolder))
            if (int.TryParse(Path.GetFileName(task), out var tid) && NameOf(tid) == name) return tid;
        return -1;
    }

    /// <summary>The thread's name, or null once it has exited.</summary>
    private static string? NameOf(int tid)
    {
        try
        {
            return File.ReadAllText($"{TaskFolder}/{tid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static extern int SetScheduler(int tid, int policy, ref SchedParam param);
}
