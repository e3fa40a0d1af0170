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

    public const string JobId = "job.id";
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
