using Rnn.Training.Steps;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Rnn.Contracts.Messages;
using Rnn.Training.Jobs;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// The instruments of the <c>Rnn.Training</c> meter and the one-line calls the grains make to record them. Static,
/// like Orleans' own meter: the instruments cost nothing until a MeterProvider listens, and every silo of a process
/// (an in-process test cluster) shares them, told apart by the <c>silo</c> attribute.
/// </summary>
public static class TrainingMetrics
{
    public static readonly Meter Meter = new(TelemetryNames.Source, typeof(TrainingMetrics).Assembly.GetName().Version?.ToString());

    // Steps take milliseconds (tiny models) to seconds: the SDK's default buckets (0, 5, 10, 25 ... in whatever unit)
    // would put every step in the first one.
    private static readonly IReadOnlyList<double> DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly Counter<long> SamplesCounter =
        Meter.CreateCounter<long>(TelemetryNames.Samples, "{sample}", "Training samples processed (replayed steps count again)");

    private static readonly Counter<long> StepsCounter =
        Meter.CreateCounter<long>(TelemetryNames.Steps, "{step}", "Optimizer steps completed (replayed steps count again)");

    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram(TelemetryNames.StepDuration, "s",
        "Time of a step by phase: compute and push per shard, wait per shard at the barrier, apply per step",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    private static readonly Histogram<double> ShardCompute = Meter.CreateHistogram(TelemetryNames.ShardComputeDuration, "s",
        "Kernel time of one shard's forward and backward pass, by shard and silo (names the straggler)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    private static readonly Histogram<long> Staleness = Meter.CreateHistogram(TelemetryNames.Staleness, "{step}",
        "Parameter versions between the one a gradient was computed on and the one it is applied to (0 in sync mode)",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 1, 2, 4, 8, 16] });

    private static readonly Gauge<double> Loss = Meter.CreateGauge<double>(TelemetryNames.Loss, null, "Mean training loss of the last step's global batch");
    private static readonly Gauge<double> GradNorm = Meter.CreateGauge<double>(TelemetryNames.GradNorm, null, "Global gradient norm of the last step, before clipping");
    private static readonly Gauge<double> LearningRate = Meter.CreateGauge<double>(TelemetryNames.LearningRate, null, "Learning rate of the last step");
    // One gauge per evaluation metric (the names of summary.json), each by split: test, and validation for jobs that hold one out.
    private static readonly Dictionary<string, Gauge<double>> EvalGauges = new(StringComparer.Ordinal)
    {
        ["accuracy"] = Meter.CreateGauge<double>(TelemetryNames.EvalAccuracy, null, "Accuracy at the last evaluation, by split"),
        ["loss"] = Meter.CreateGauge<double>(TelemetryNames.EvalLoss, null, "Mean loss at the last evaluation, by split"),
        ["rmse"] = Meter.CreateGauge<double>(TelemetryNames.EvalRmse, null, "RMSE in the data's units at the last evaluation, by split"),
        ["baseline_rmse"] = Meter.CreateGauge<double>(TelemetryNames.EvalBaselineRmse, null, "RMSE of the seasonal-naive forecast, by split"),
        ["bits_per_char"] = Meter.CreateGauge<double>(TelemetryNames.EvalBitsPerChar, null, "Bits per character at the last evaluation, by split"),
    };

    /// <summary>One shard's kernel time for a step: the straggler histogram and the step's compute phase.</summary>
    public static void ShardComputed(string jobId, int shard, string silo, double seconds)
    {
        var tags = new TagList { { TelemetryNames.JobId, jobId }, { TelemetryNames.ShardId, shard }, { TelemetryNames.Silo, silo } };
        ShardCompute.Record(seconds, tags);
        tags.Add(TelemetryNames.Phase, TelemetryNames.PhaseCompute);
        StepDuration.Record(seconds, tags);
    }

    /// <summary>Time spent in one phase of a step (push and wait per shard, apply per step).</summary>
    public static void PhaseTook(string jobId, string phase, double seconds, int? shard = null)
    {
        var tags = new TagList { { TelemetryNames.JobId, jobId }, { TelemetryNames.Phase, phase } };
        if (shard is { } k) tags.Add(TelemetryNames.ShardId, k);
        StepDuration.Record(seconds, tags);
    }

    /// <summary>A gradient accepted by a parameter block, <paramref name="versionsBehind"/> versions after it was computed.</summary>
    public static void GradientAccepted(string jobId, int block, long versionsBehind) =>
        Staleness.Record(versionsBehind, new TagList { { TelemetryNames.JobId, jobId }, { TelemetryNames.Block, block } });

    /// <summary>A finished step: counters and the loss, gradient-norm and learning-rate gauges (a skipped step has no norm).</summary>
    public static void StepCompleted(string jobId, string jobName, StepMetrics metrics, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var job = new TagList { { TelemetryNames.JobId, jobId }, { TelemetryNames.JobName, jobName } };
        StepsCounter.Add(1, job);
        SamplesCounter.Add(batchSize, job);
        Loss.Record(metrics.Loss, job);
        LearningRate.Record(metrics.LearningRate, job);
        if (double.IsFinite(metrics.GradNorm)) GradNorm.Record(metrics.GradNorm, job);
    }

    /// <summary>
    /// An evaluation: every metric it has (accuracy, loss, RMSE, baseline RMSE, bits per character, as the job's kind
    /// gives them) on its gauge, split=test, and the validation split's val_ metrics on the same gauges, split=validation.
    /// </summary>
    public static void Evaluated(EvaluationMetrics evaluation, string jobName)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        foreach (var (name, value) in evaluation.Metrics)
        {
            var validation = name.StartsWith(EarlyStoppingMonitors.ValidationPrefix, StringComparison.Ordinal);
            var metric = validation ? name[EarlyStoppingMonitors.ValidationPrefix.Length..] : name;
            if (!EvalGauges.TryGetValue(metric, out var gauge)) continue;
            gauge.Record(value, new TagList
            {
                { TelemetryNames.JobId, evaluation.JobId }, { TelemetryNames.JobName, jobName },
                { TelemetryNames.Split, validation ? TelemetryNames.SplitValidation : TelemetryNames.SplitTest },
            });
        }
    }
}
