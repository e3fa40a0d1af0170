using Rnn.Silo.Compute;

namespace Rnn.Silo.Tests;

/// <summary>
/// The background JIT's thread under SCHED_IDLE (found by name, as the run-ahead finds the runtime's tiered-compilation
/// worker): here real threads named by the test, their policy read back from /proc.
/// </summary>
public sealed class BackgroundJitPriorityTests
{
    private const int SchedIdle = 5;

    [Fact]
    public void ANamedThreadIsPutUnderTheIdlePolicy()
    {
        using var thread = new NamedThread("rnn-jit-test-a");
        var lowered = new BackgroundJitPriority("rnn-jit-test-a", TimeSpan.Zero).Apply();
        Assert.Equal(thread.Tid, lowered);
        Assert.Equal(SchedIdle, NamedThread.PolicyOf(thread.Tid));
        Assert.Equal(0, NamedThread.PolicyOf(NamedThread.CurrentTid()));
    }

    [Fact]
    public void AThreadThatTakesAnExitedOnesPlaceIsLoweredToo()
    {
        var priority = new BackgroundJitPriority("rnn-jit-test-b", TimeSpan.Zero);
        int first;
        using (var thread = new NamedThread("rnn-jit-test-b"))
        {
            first = thread.Tid;
            Assert.Equal(first, priority.Apply());
        }
        // A joined thread's Linux task can outlive Join for a moment; until it is gone its name still answers.
        NamedThread.WaitUntilGone(first);
        using var successor = new NamedThread("rnn-jit-test-b");
        Assert.NotEqual(first, successor.Tid);
        Assert.Equal(successor.Tid, priority.Apply());
        Assert.Equal(SchedIdle, NamedThread.PolicyOf(successor.Tid));
    }

    [Fact]
    public void WithinTheRescanIntervalNoNewThreadIsLookedFor()
    {
        var priority = new BackgroundJitPriority("rnn-jit-test-c", TimeSpan.FromHours(1));
        Assert.Equal(-1, priority.Apply());
        using var thread = new NamedThread("rnn-jit-test-c");
        Assert.Equal(-1, priority.Apply());
        Assert.Equal(0, NamedThread.PolicyOf(thread.Tid));
    }

    [Fact]
    public void TheRuntimesTieredCompilationWorkerRunsUnderTheNameLookedFor()
    {
        // Methods called past the tier-1 threshold give the runtime's worker something to compile; each value type
        // makes a method of its own. The worker itself is only looked for, not lowered: the other tests of this
        // process keep their JIT.
        Func<int>[] hot = [Hot<byte>, Hot<short>, Hot<int>, Hot<long>, Hot<float>, Hot<double>, Hot<decimal>, Hot<char>,
            Hot<bool>, Hot<Guid>, Hot<DateTime>, Hot<TimeSpan>];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        for (var round = 0; BackgroundJitPriority.FindThread(BackgroundJitPriority.TieredCompilationWorker) < 0; round++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no thread named '{BackgroundJitPriority.TieredCompilationWorker}' in 20 s");
            for (var i = 0; i < 100; i++) hot[round % hot.Length]();
            Thread.Sleep(5);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Hot<T>() where T : struct => default(T).GetHashCode() + 1;

    /// <summary>A thread with a name that waits until disposed, and its Linux thread id.</summary>
    private sealed class NamedThread : IDisposable
    {
        private readonly ManualResetEventSlim _started = new(), _stop = new();
        private readonly Thread _thread;

        public NamedThread(string name)
        {
            _thread = new Thread(() =>
            {
                Tid = CurrentTid();
                _started.Set();
                _stop.Wait();
            }) { Name = name, IsBackground = true };
            _thread.Start();
            _started.Wait();
        }

        public int Tid { get; private set; }

        /// <summary>"/proc/thread-self" links to "PID/task/TID".</summary>
        public static int CurrentTid() => int.Parse(Path.GetFileName(new DirectoryInfo("/proc/thread-self").LinkTarget!));

        public static void WaitUntilGone(int tid)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Directory.Exists($"/proc/self/task/{tid}"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"thread {tid} still listed 10 s after it ended");
                Thread.Sleep(1);
            }
        }

        /// <summary>The "policy" line of /proc/self/task/TID/sched.</summary>
        public static int PolicyOf(int tid) =>
            int.Parse(File.ReadLines($"/proc/self/task/{tid}/sched").Single(l => l.StartsWith("policy", StringComparison.Ordinal)).Split(':')[1]);

        public void Dispose()
        {
            _stop.Set();
            _thread.Join();
            _started.Dispose();
            _stop.Dispose();
        }
    }
}
