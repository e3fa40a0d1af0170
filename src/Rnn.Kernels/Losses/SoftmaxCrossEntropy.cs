using Rnn.Kernels.Tensors;
using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Losses;

/// <summary>
/// Softmax cross-entropy over rows of logits with integer labels (Keras' sparse_categorical_crossentropy on logits,
/// torch's F.cross_entropy). Each row is stabilised by its max; the exponentials, their sum and the normalisation are
/// single-precision vector code (<see cref="SoftmaxRows"/>: the project's vector exp, a 16-lane sum folded in a fixed
/// order), so every machine, with 512-bit or 256-bit vectors, computes the same bits. The loss adds log Σ in double.
/// A row labelled <see cref="IgnoreLabel"/> adds no loss and gets a zero gradient (torch's ignore_index); the caller's
/// mean divides by <see cref="CountLabelled"/>.
/// </summary>
public static class SoftmaxCrossEntropy
{
    public const int IgnoreLabel = -1;

    /// <summary>
    /// Σ over labelled rows of −log softmax(logits[row])[label], and dLogits = (softmax − onehot) · gradScale
    /// (pass 1/N for the mean over N labelled rows). logits and dLogits are [rows, classes] row-major.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Compute(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> labels,
        Span<float> dLogits, float gradScale)
    {
        LossArguments.CheckClassification(logits.Length, rows, classes, labels.Length);
        LossArguments.CheckSameLength(logits.Length, dLogits.Length, nameof(dLogits));
        var total = 0.0;
        for (var row = 0; row < rows; row++)
        {
            var x = logits.Slice(row * classes, classes);
            var dx = dLogits.Slice(row * classes, classes);
            var label = labels[row];
            if (!LossArguments.IsCounted(label, row, classes))
            {
                dx.Clear();
                continue;
            }
            var max = SoftmaxRows.Max(x);
            // dx_j = e^(x_j − max) for now; Σ_j of them in the fixed 16-lane order
            var sum = SoftmaxRows.ExpSum(x, max, dx, store: true);
            // loss = log Σ e^(x_j − max) + max − x_label
            total += Math.Log(sum) + max - x[label];
            // p_j = e_j · (1/Σ); dx_j = (p_j − [j = label]) · gradScale
            var inverse = 1f / sum;
            var labelProbability = dx[label] * inverse;
            ElementwiseScale.Multiply(dx, inverse);
            ElementwiseScale.Multiply(dx, gradScale);
            dx[label] = (labelProbability - 1f) * gradScale;
        }
        return (float)total;
    }

    /// <summary>Σ over labelled rows of −log softmax(logits[row])[label]; no gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Compute(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> labels)
    {
        LossArguments.CheckClassification(logits.Length, rows, classes, labels.Length);
        var total = 0.0;
        for (var row = 0; row < rows; row++)
        {
            var x = logits.Slice(row * classes, classes);
            var label = labels[row];
            if (!LossArguments.IsCounted(label, row, classes)) continue;
            var max = SoftmaxRows.Max(x);
            // loss = log Σ e^(x_j − max) + max − x_label, Σ as the gradient overload computes it
            total += Math.Log(SoftmaxRows.ExpSum(x, max, default, store: false)) + max - x[label];
        }
        return (float)total;
    }

    /// <summary>probs[row, j] = e^(x_j − max) / Σ_k e^(x_k − max), per row of [rows, classes].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(ReadOnlySpan<float> logits, int rows, int classes, Span<float> probs)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must not be negative");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be >= 1");
        LossArguments.CheckSameLength(rows * classes, logits.Length, nameof(logits));
        LossArguments.CheckSameLength(rows * classes, probs.Length, nameof(probs));
        for (var row = 0; row < rows; row++)
        {
            var x = logits.Slice(row * classes, classes);
            var p = probs.Slice(row * classes, classes);
            var max = SoftmaxRows.Max(x);
            // p_j = e^(x_j − max) · (1/Σ), the probabilities the gradient overload uses
            var sum = SoftmaxRows.ExpSum(x, max, p, store: true);
            ElementwiseScale.Multiply(p, 1f / sum);
        }
    }

    /// <summary>How many labels are not <see cref="IgnoreLabel"/>: the N of a mean loss.</summary>
    public static int CountLabelled(ReadOnlySpan<int> labels)
    {
        var count = 0;
        foreach (var label in labels)
            if (label != IgnoreLabel) count++;
        return count;
    }
}
