using ILGPU;
using Rnn.Kernels.Losses;

namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>
/// Losses on the device with gradient scale 1 (the caller scales the summed gradient). Each thread writes its own
/// loss term; the host adds the terms in index order in double, so the sum is deterministic.
/// </summary>
internal static class LossKernels
{
    // loss_r = log Σ_j e^(x_j − max) + max − x_label; dx_j = softmax_j − [j = label]; label −1 gives 0 and dx = 0
    public static void SoftmaxCrossEntropy(Index1D row, ArrayView<float> logits, ArrayView<int> labels,
        ArrayView<float> dLogits, ArrayView<float> rowLoss, int classes)
    {
        var offset = (long)row.X * classes;
        var label = labels[row];
        if (label < 0)
        {
            for (var j = 0; j < classes; j++) dLogits[offset + j] = 0f;
            rowLoss[row] = 0f;
            return;
        }
        var max = logits[offset];
        for (var j = 1; j < classes; j++) max = XMax(max, logits[offset + j]);
        var sum = 0f;
        for (var j = 0; j < classes; j++) sum += MathF.Exp(logits[offset + j] - max);
        rowLoss[row] = MathF.Log(sum) + max - logits[offset + label];
        for (var j = 0; j < classes; j++)
        {
            var p = MathF.Exp(logits[offset + j] - max) / sum;
            dLogits[offset + j] = j == label ? p - 1f : p;
        }
    }

    // e = p − t; term = e²; dp = 2e
    public static void MeanSquaredError(Index1D i, ArrayView<float> predictions, ArrayView<float> targets,
        ArrayView<float> dPredictions, ArrayView<float> terms)
    {
        var e = predictions[i] - targets[i];
        terms[i] = e * e;
        dPredictions[i] = 2f * e;
    }

    private static float XMax(float a, float b) => b > a ? b : a;
}
