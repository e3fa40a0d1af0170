using Rnn.Kernels.Losses;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Losses;

/// <summary>A per-step output with per-sample lengths counts only each sample's valid steps.</summary>
public class LossHeadLengthsTests
{
    private const int Steps = 3, Batch = 2, Classes = 4;

    [Fact]
    public void CrossEntropyCountsOnlyValidStepsAndGivesNoGradientPastThem()
    {
        var batch = new SequenceBatch(Steps, Batch, 1, tokens: false, labelRows: Steps * Batch, targetsPerRow: 0);
        int[] labels = [0, 1, 2, 3, 1, 0];
        labels.CopyTo(batch.Labels, 0);
        batch.Lengths = [3, 1];
        var output = Random(Steps * Batch * Classes, 1);
        var dOutput = new float[output.Length];

        var result = LossHead.Apply(LossKind.SparseCategoricalCrossEntropy, output, Steps * Batch, Classes, batch, dOutput);

        // Valid rows t·B + b: (0,0), (0,1), (1,0), (2,0) = rows 0, 1, 2, 4.
        int[] valid = [0, 1, 2, 4];
        var expected = valid.Sum(r => (double)SoftmaxCrossEntropy.Compute(output.AsSpan(r * Classes, Classes), 1, Classes, labels.AsSpan(r, 1)));
        Assert.Equal(4, result.LossCount);
        Assert.Equal(4, result.Rows);
        Assert.Equal(expected, result.LossSum, 6);
        Assert.All(new[] { 3, 5 }, r => Assert.All(dOutput.AsSpan(r * Classes, Classes).ToArray(), g => Assert.Equal(0f, g)));
        Assert.Contains(dOutput.AsSpan(4 * Classes, Classes).ToArray(), g => g != 0f);
    }

    [Fact]
    public void SquaredErrorCountsOnlyValidSteps()
    {
        var batch = new SequenceBatch(Steps, Batch, 1, tokens: false, labelRows: Steps * Batch, targetsPerRow: 2);
        Random(Steps * Batch * 2, 2).CopyTo(batch.Targets, 0);
        batch.Lengths = [1, 2];
        var output = Random(Steps * Batch * 2, 3);
        var dOutput = new float[output.Length];

        var result = LossHead.Apply(LossKind.MeanSquaredError, output, Steps * Batch, 2, batch, dOutput);

        // Valid rows: 0, 1 (t = 0) and 3 (t = 1, b = 1).
        int[] valid = [0, 1, 3];
        var expected = valid.Sum(r => (double)MeanSquaredError.Compute(output.AsSpan(r * 2, 2), batch.Targets.AsSpan(r * 2, 2)));
        Assert.Equal(6, result.LossCount);
        Assert.Equal(expected, result.LossSum, 6);
        Assert.All(new[] { 2, 4, 5 }, r => Assert.All(dOutput.AsSpan(r * 2, 2).ToArray(), g => Assert.Equal(0f, g)));
    }

    private static float[] Random(int n, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => 2f * random.NextFloat() - 1f).ToArray();
    }
}
