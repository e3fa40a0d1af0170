using System.Diagnostics;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// The spans of the <c>Rnn.Training</c> activity source: one per training step, with children for each shard's
/// compute, each push, the apply phase with each parameter block's apply, and each checkpoint. Children on other
/// silos join the step's trace through Orleans activity propagation (AddActivityPropagation on every silo and
/// client). The step span carries job.id as baggage too, so <see cref="JobIdSpanProcessor"/> can put it on the
/// Orleans call spans in between. Every method returns null when nothing listens, at the cost of one check.
/// </summary>
public static class TrainingTracing
{
    public static readonly ActivitySource Source = new(TelemetryNames.Source, typeof(TrainingTracing).Assembly.GetName().Version?.ToString());

    public const string StepSpan = "rnn.step";
    public const string ShardComputeSpan = "rnn.shard.compute";
    public const string PushSpan = "rnn.shard.push";
    public const string ApplyPhaseSpan = "rnn.step.apply";
    public const string BlockApplySpan = "rnn.ps.apply";
    public const string CheckpointSpan = "rnn.checkpoint";

    /// <summary>
    /// The root of one step's trace. The job grain's timer would otherwise hang every step of the run under the call
    /// that submitted the job (the timer captured its context), making one endless trace; the caller is async, so
    /// clearing Activity.Current here does not leak out of it.
    /// </summary>
    public static Activity? StartStep(string jobId, long step)
    {
        Activity.Current = null;
        var activity = Source.StartActivity(StepSpan, ActivityKind.Internal);
        activity?.SetBaggage(TelemetryNames.JobId, jobId);
        return Tag(activity, jobId, step);
    }

    public static Activity? StartShardCompute(string jobId, int shard, string silo, long step) =>
        Tag(Source.StartActivity(ShardComputeSpan), jobId, step)?.SetTag(TelemetryNames.ShardId, shard).SetTag(TelemetryNames.Silo, silo);

    public static Activity? StartPush(string jobId, int shard, long step) =>
        Tag(Source.StartActivity(PushSpan), jobId, step)?.SetTag(TelemetryNames.ShardId, shard);

    public static Activity? StartApplyPhase(string jobId, long step) => Tag(Source.StartActivity(ApplyPhaseSpan), jobId, step);

    public static Activity? StartBlockApply(string jobId, int block, string silo, long step) =>
        Tag(Source.StartActivity(BlockApplySpan), jobId, step)?.SetTag(TelemetryNames.Block, block).SetTag(TelemetryNames.Silo, silo);

    /// <param name="part">"capture" (gathering the snapshot from the grains) or "write" (the files).</param>
    public static Activity? StartCheckpoint(string jobId, long step, string part) =>
        Tag(Source.StartActivity(CheckpointSpan), jobId, step)?.SetTag(TelemetryNames.CheckpointPart, part);

    private static Activity? Tag(Activity? activity, string jobId, long step) =>
        activity?.SetTag(TelemetryNames.JobId, jobId).SetTag(TelemetryNames.Step, step);
}
