namespace Rnn.Silo.Telemetry;

/// <summary>
/// The names of ../shared/DESIGN.md §6, in one place: the meter and activity source, the instruments (OpenTelemetry
/// rules: dotted, UCUM units) and their attributes. Prometheus sees them with dots as underscores, a unit suffix
/// (_seconds) and _total on counters; docs/observability.md lists both spellings.
/// </summary>
public static class TelemetryNames
{
    /// <summary>Our meter and activity source, beside Orleans' <see cref="OrleansMeter"/>.</summary>
    public const string Source = "Rnn.Training";

    /// <summary>The meter Orleans' runtime publishes its own instruments on (grains, messaging, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources (grain calls) that propagation joins our spans across silos through.</summary>
    public const string OrleansSources = "Microsoft.Orleans.*";

    public const string Samples = "rnn.train.samples";
    public const string Steps = "rnn.train.steps";
    public const string StepDuration = "rnn.train.step.duration";
    public const string ShardComputeDuration = "rnn.shard.compute.duration";
    public const string Staleness = "rnn.ps.update.staleness";
    public const string Loss = "rnn.train.loss";
    public const string GradNorm = "rnn.train.grad_norm";
    public const string LearningRate = "rnn.train.learning_rate";
    public const string EvalAccuracy = "rnn.eval.accuracy";
    public const string EvalLoss = "rnn.eval.loss";
    public const string EvalRmse = "rnn.eval.rmse";
    public const string EvalBaselineRmse = "rnn.eval.baseline_rmse";
    public const string EvalBitsPerChar = "rnn.eval.bits_per_char";

    public const string JobId = "job.id";

    /// <summary>The job's name (from its job file) beside its id, which for API jobs is a GUID.</summary>
    public const string JobName = "job.name";

    /// <summary>Which held-out split an evaluation gauge measures: <see cref="SplitTest"/> or <see cref="SplitValidation"/>.</summary>
    public const string Split = "split";
    public const string SplitTest = "test";
    public const string SplitValidation = "validation";
    public const string ShardId = "shard.id";
    public const string Silo = "silo";
    public const string Phase = "phase";
    public const string Block = "block.id";
    public const string Step = "step";
    public const string CheckpointPart = "checkpoint.part";

    /// <summary>The values of <see cref="Phase"/>: where a step's time goes (docs/observability.md defines each).</summary>
    public const string PhaseCompute = "compute";
    public const string PhasePush = "push";
    public const string PhaseWait = "wait";
    public const string PhaseApply = "apply";
}
