using System.Diagnostics;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// Times one phase of a step and records it in rnn.train.step.duration when disposed, ending the phase's span with
/// it, so an instrumented piece of code needs one <c>using</c> line for both its metric and its span.
/// </summary>
public sealed class PhaseTimer : IDisposable
{
    private readonly string _jobId;
    private readonly string _phase;
    private readonly int? _shard;
    private readonly Activity? _span;
    private readonly long _started = Stopwatch.GetTimestamp();

    private PhaseTimer(string jobId, string phase, int? shard, Activity? span)
    {
        _jobId = jobId;
        _phase = phase;
        _shard = shard;
        _span = span;
    }

    /// <summary>A shard's push of its gradient blocks to the parameter servers.</summary>
    public static PhaseTimer Push(string jobId, int shard, long step) =>
        new(jobId, TelemetryNames.PhasePush, shard, TrainingTracing.StartPush(jobId, shard, step));

    /// <summary>The parameter servers' reduce, clip and apply of a step, as the job grain waits for it.</summary>
    public static PhaseTimer Apply(string jobId, long step) =>
        new(jobId, TelemetryNames.PhaseApply, null, TrainingTracing.StartApplyPhase(jobId, step));

    public void Dispose()
    {
        TrainingMetrics.PhaseTook(_jobId, _phase, Stopwatch.GetElapsedTime(_started).TotalSeconds, _shard);
        _span?.Dispose();
    }
}
