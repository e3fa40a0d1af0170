using Rnn.Kernels.Losses;
using Rnn.Training.Jobs;

namespace Rnn.Training.Steps;

/// <summary>
/// The decisions of one synchronous step, in one place for the single-process <see cref="Trainer"/> and the
/// cluster's step coordinator alike: shard results summed in shard order 0..S-1, the mean loss and accuracy, the
/// learning rate and epoch of the step, the NaN verdict (skip or fail, by training.nan_policy), the global norm from
/// the blocks' squared norms in block order and its clip scale, and the step's metrics. The element-wise arithmetic
/// on gradients is <see cref="GradientAggregation"/>'s; which process runs it does not change a bit.
/// </summary>
public sealed class SyncStepProtocol(TrainingSetup setup)
{
    /// <summary>
    /// Reduces step <paramref name="step"/>'s shard outcomes (any order; summed in shard order). Throws
    /// <see cref="TrainingFailedException"/> when a gradient is not finite and the job's nan_policy is 'fail'.
    /// </summary>
    public StepVerdict Reduce(long step, IEnumerable<ShardGradientOutcome> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var ordered = shards.OrderBy(s => s.Shard).ToArray();
        var total = new ShardStepResult();
        foreach (var shard in ordered) total += shard.Result;

        var loss = total.LossSum / total.LossCount;
        double? accuracy = setup.Loss == LossKind.SparseCategoricalCrossEntropy ? (double)total.Correct / total.Rows : null;
        var epoch = (int)(step / setup.StepsPerEpoch);
        string? skipReason = null;
        var badIndex = Array.FindIndex(ordered, s => !s.GradientFinite);
        if (badIndex >= 0)
        {
            var bad = ordered[badIndex];
            var reason = $"the gradient of shard {bad.Shard} at step {step} is not finite (NaN or Inf)";
            if (setup.Job.Training.NanPolicy == NanPolicies.Fail)
                throw new TrainingFailedException($"{reason}; training.nan_policy is 'fail'");
            skipReason = reason + "; step skipped (training.nan_policy 'skip_step')";
        }
        return new StepVerdict(step, epoch, loss, accuracy, setup.LearningRate(step), total.LossCount, skipReason);
    }

    /// <summary>‖g‖ from the blocks' squared norms (block order) and the factor every block's gradient is scaled by.</summary>
    public (double Norm, float ClipScale) Clip(ReadOnlySpan<double> blockNormsSquared)
    {
        var norm = GradientAggregation.GlobalNorm(blockNormsSquared);
        return (norm, GradientAggregation.ClipScale(norm, setup.ClipNorm));
    }

    /// <summary>The step's metrics; <paramref name="norm"/> is NaN for a skipped step.</summary>
    public StepMetrics Metrics(StepVerdict verdict, double norm, double seconds, IReadOnlyList<ShardComputeTime> shards)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new StepMetrics(verdict.Step, verdict.Epoch, verdict.Loss, verdict.Accuracy, norm, verdict.LearningRate,
            seconds, setup.Job.Training.BatchSize, verdict.SkipReason) { Shards = shards };
    }
}
