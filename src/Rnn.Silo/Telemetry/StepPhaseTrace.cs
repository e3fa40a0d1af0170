using System.Diagnostics;

namespace Rnn.Silo.Telemetry;

/// <summary>The moments of one synchronous step that <see cref="StepPhaseTrace"/> records, in the order they happen.</summary>
public enum StepPhase
{
    /// <summary>The coordinator starts the step and calls the shards.</summary>
    Started,
    /// <summary>The shard's turn begins.</summary>
    ShardEntered,
    /// <summary>The shard has its parameters (carried by the request or pulled from the blocks).</summary>
    ParametersReady,
    /// <summary>A compute thread starts the forward and backward.</summary>
    ComputeStarted,
    /// <summary>The compute thread is done (gradient finiteness checked).</summary>
    ComputeEnded,
    /// <summary>The shard's turn resumes after the compute.</summary>
    ShardResumed,
    /// <summary>The shard's gradient pushes are answered.</summary>
    Pushed,
    /// <summary>The coordinator has every shard's report.</summary>
    Reported,
    /// <summary>Every block has reduced, clipped and applied the step.</summary>
    Applied,
}

/// <summary>
/// A diagnostic of `phase-bench` (tests/Rnn.Cluster.Tests): when enabled, the coordinator and the shard grains stamp
/// each <see cref="StepPhase"/> of every step, and <see cref="Summary"/> gives the median and mean time between
/// consecutive phases, i.e. where a step's time goes outside the kernels (docs/benchmarks.md). Off unless
/// <see cref="Enable"/> was called: a mark is then one null check. With several shards a shard's phases are the
/// last shard's to stamp them.
/// </summary>
public static class StepPhaseTrace
{
    private static readonly int Phases = Enum.GetValues<StepPhase>().Length;
    private static long[,]? _stamps;

    /// <summary>Records steps 0..<paramref name="steps"/>-1 of whatever job runs in this process from now on.</summary>
    public static void Enable(int steps) => _stamps = new long[steps, Phases];

    public static void Mark(long step, StepPhase phase)
    {
        var stamps = _stamps;
        if (stamps is not null && (ulong)step < (ulong)stamps.GetLength(0)) stamps[step, (int)phase] = Stopwatch.GetTimestamp();
    }

    /// <summary>Per consecutive pair of phases, over the steps from <paramref name="firstStep"/> that stamped both: median and mean µs.</summary>
    public static IReadOnlyList<(StepPhase From, StepPhase To, double MedianMicroseconds, double MeanMicroseconds, int Steps)> Summary(int firstStep)
    {
        var stamps = _stamps ?? throw new InvalidOperationException("the step phase trace is not enabled");
        var rows = new List<(StepPhase, StepPhase, double, double, int)>();
        for (var p = 1; p < Phases; p++)
        {
            var gaps = new List<double>();
            for (var s = firstStep; s < stamps.GetLength(0); s++)
                if (stamps[s, p] != 0 && stamps[s, p - 1] != 0) gaps.Add((stamps[s, p] - stamps[s, p - 1]) * 1e6 / Stopwatch.Frequency);
            if (gaps.Count == 0) continue;
            gaps.Sort();
            rows.Add(((StepPhase)(p - 1), (StepPhase)p, gaps[gaps.Count / 2], gaps.Average(), gaps.Count));
        }
        return rows;
    }
}
