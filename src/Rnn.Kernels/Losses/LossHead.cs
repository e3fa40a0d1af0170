using Rnn.Kernels.Losses;
using Rnn.Kernels.Models;

namespace Rnn.Kernels.Losses;

/// <summary>Applies the job's loss to the model's output: the loss SUM and its gradient (scale 1).</summary>
public static class LossHead
{
    public static ShardStepResult Apply(LossKind loss, ReadOnlySpan<float> output, int rows, int outputs,
        SequenceBatch batch, Span<float> dOutput)
    {
        dOutput = dOutput[..(rows * outputs)];
        if (loss == LossKind.MeanSquaredError)
        {
            var sse = MeanSquaredError.Compute(output, batch.Targets.AsSpan(0, rows * outputs), dOutput, 1f);
            return new ShardStepResult(sse, rows * outputs, 0, rows);
        }
        var labels = batch.Labels.AsSpan(0, rows);
        var sum = SoftmaxCrossEntropy.Compute(output, rows, outputs, labels, dOutput, 1f);
        var correct = Accuracy.CountCorrect(output, rows, outputs, labels);
        return new ShardStepResult(sum, rows, correct, rows);
    }
}
