using System.Globalization;
using Rnn.Training.Jobs;

namespace Rnn.Training.Steps;

/// <summary>What one evaluation meant: a new best monitored value (keep the model), and why the run stops, if it does.</summary>
public sealed record ValidationVerdict(bool Improved, string? StopReason);

/// <summary>
/// The one place that decides, from the sequence of evaluations, which model is the best and whether the run stops
/// early (<c>training.early_stopping</c>). The single-process <see cref="SingleProcess.Trainer"/> and the job grain's
/// driver both feed it every evaluation in step order, so the decision is made once per job (never per shard) and is
/// the same on one process, one silo or three. A job without a validation split has no monitor (<see cref="IsActive"/>
/// false); one with a split but no early_stopping follows val_loss for the best model and never stops.
/// Keras' rule: an evaluation improves when it beats the best so far by more than min_delta (lower for loss, RMSE and
/// bits per character, higher for accuracy); after patience evaluations in a row without one, the run stops.
/// </summary>
public sealed class ValidationMonitor
{
    private readonly EarlyStoppingSpec? _stopping;
    private readonly int _stepsPerEpoch;
    private readonly bool _higherIsBetter;

    public ValidationMonitor(TrainingSetup setup) : this(setup?.Resolved!, setup?.HasValidation ?? false)
    {
    }

    public ValidationMonitor(ResolvedJob job, bool hasValidation)
    {
        ArgumentNullException.ThrowIfNull(job);
        _stopping = hasValidation ? job.Spec.Training.EarlyStopping : null;
        _stepsPerEpoch = job.StepsPerEpoch;
        Metric = hasValidation ? _stopping?.Monitor ?? EarlyStoppingMonitors.ValLoss : null;
        _higherIsBetter = Metric is not null && EarlyStoppingMonitors.HigherIsBetter(Metric);
    }

    /// <summary>The followed metric's name in an evaluation's results (e.g. val_loss); null without a validation split.</summary>
    public string? Metric { get; }

    public bool IsActive => Metric is not null;

    /// <summary>The best value so far (NaN before the first finite one).</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The step of the best value; 0 before any.</summary>
    public long BestStep { get; private set; }

    /// <summary>Evaluations in a row since the last improvement.</summary>
    public int EvaluationsWithoutImprovement { get; private set; }

    /// <summary>Set once the run should stop; every later call keeps it.</summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// True at the steps where a run evaluates besides its last: every training.eval_every steps, else every epoch end.
    /// </summary>
    public static bool IsScheduledEvaluation(ResolvedJob job, long step)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Spec.Training.EvalEvery is { } every ? step % every == 0 : step % job.StepsPerEpoch == 0;
    }

    /// <summary>The 1-based epoch that step <paramref name="step"/> (steps done) ends or falls in.</summary>
    public int EpochOf(long step) => (int)((Math.Max(step, 1) - 1) / _stepsPerEpoch) + 1;

    /// <summary>Takes the evaluation after <paramref name="step"/> steps; call once per evaluation, in step order.</summary>
    public ValidationVerdict Observe(long step, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (Metric is null || StopReason is not null) return new ValidationVerdict(false, StopReason);
        var value = metrics.TryGetValue(Metric, out var v) ? v : double.NaN;
        var minDelta = _stopping?.MinDelta ?? 0;
        var improved = double.IsFinite(value) && (double.IsNaN(Best) ||
            (_higherIsBetter ? value - minDelta > Best : value + minDelta < Best));
        if (improved)
        {
            Best = value;
            BestStep = step;
            EvaluationsWithoutImprovement = 0;
        }
        else
        {
            EvaluationsWithoutImprovement++;
        }
        if (_stopping is { } stopping && EvaluationsWithoutImprovement >= stopping.Patience)
        {
            var best = double.IsNaN(Best) ? "no finite value yet"
                : string.Create(CultureInfo.InvariantCulture, $"best {Best:G6} at epoch {EpochOf(BestStep)}, step {BestStep}");
            StopReason = string.Create(CultureInfo.InvariantCulture,
                $"stopped early at epoch {EpochOf(step)} (step {step}): {Metric} did not improve by more than min_delta " +
                $"{stopping.MinDelta} for {stopping.Patience} evaluation{(stopping.Patience == 1 ? "" : "s")} ({best})");
        }
        return new ValidationVerdict(improved, StopReason);
    }
}
