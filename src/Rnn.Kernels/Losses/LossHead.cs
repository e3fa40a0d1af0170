using System.Runtime.CompilerServices;
using Rnn.Kernels.Models;

namespace Rnn.Kernels.Losses;

/// <summary>
/// Applies the job's loss to the model's output: the loss SUM and its gradient (scale 1). With per-sample lengths
/// (<see cref="SequenceBatch.Lengths"/>) a per-step output counts only at each sample's valid steps: the rows past a
/// sample's length take no loss, no gradient and no part in the metrics, and the loss count says how many did.
/// </summary>
public static class LossHead
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ShardStepResult Apply(LossKind loss, ReadOnlySpan<float> output, int rows, int outputs,
        SequenceBatch batch, Span<float> dOutput)
    {
        dOutput = dOutput[..(rows * outputs)];
        if (batch.Lengths.Length > 0 && batch.Steps > 1 && rows == batch.Steps * batch.Batch)
            return ApplyToValidSteps(loss, output, rows, outputs, batch, dOutput);
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

    /// <summary>A per-step output [T·B, C] row by row: row t·B + b counts when t &lt; lengths[b].</summary>
    private static ShardStepResult ApplyToValidSteps(LossKind loss, ReadOnlySpan<float> output, int rows, int outputs,
        SequenceBatch batch, Span<float> dOutput)
    {
        double sum = 0;
        int counted = 0, correct = 0;
        for (var row = 0; row < rows; row++)
        {
            var at = row * outputs;
            var dRow = dOutput.Slice(at, outputs);
            if (row / batch.Batch >= batch.Lengths[row % batch.Batch])
            {
                dRow.Clear();
                continue;
            }
            var logits = output.Slice(at, outputs);
            counted++;
            if (loss == LossKind.MeanSquaredError)
            {
                sum += MeanSquaredError.Compute(logits, batch.Targets.AsSpan(at, outputs), dRow, 1f);
                continue;
            }
            var label = batch.Labels.AsSpan(row, 1);
            sum += SoftmaxCrossEntropy.Compute(logits, 1, outputs, label, dRow, 1f);
            correct += Accuracy.CountCorrect(logits, 1, outputs, label);
        }
        return loss == LossKind.MeanSquaredError
            ? new ShardStepResult(sum, counted * outputs, 0, counted)
            : new ShardStepResult(sum, counted, correct, counted);
    }
}
