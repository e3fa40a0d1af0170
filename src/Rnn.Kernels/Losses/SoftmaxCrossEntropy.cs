using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Losses;

/// <summary>
/// Softmax cross-entropy over rows of logits with integer labels (Keras' sparse_categorical_crossentropy on logits,
/// torch's F.cross_entropy). Each row is stabilised by its max; sums run in double in index order; the exponential is
/// <see cref="PortableExp"/>, so every machine computes the same bits. A row labelled <see cref="IgnoreLabel"/>
/// adds no loss and gets a zero gradient (torch's ignore_index); the caller's mean divides by
/// <see cref="CountLabelled"/>.
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
            var max = RowMax(x);
            var sum = SumOfShiftedExp(x, max);
            // loss = log Σ e^(x_j − max) + max − x_label
            total += Math.Log(sum) + max - x[label];
            // dx_j = (e^(x_j − max) / Σ − [j = label]) · gradScale
            for (var j = 0; j < classes; j++)
            {
                var probability = PortableExp.Exp((double)x[j] - max) / sum;
                dx[j] = (float)((j == label ? probability - 1.0 : probability) * gradScale);
            }
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
            var max = RowMax(x);
            // loss = log Σ e^(x_j − max) + max − x_label
            total += Math.Log(SumOfShiftedExp(x, max)) + max - x[label];
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
            var max = RowMax(x);
            var sum = SumOfShiftedExp(x, max);
            // p_j = e^(x_j − max) / Σ
            for (var j = 0; j < classes; j++) p[j] = (float)(PortableExp.Exp((double)x[j] - max) / sum);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float RowMax(ReadOnlySpan<float> x)
    {
        // max_j x_j; a NaN anywhere makes the row NaN below, which is what a caller's finiteness check wants to see
        var max = x[0];
        for (var j = 1; j < x.Length; j++)
            if (x[j] > max) max = x[j];
        return max;
    }

    private static double SumOfShiftedExp(ReadOnlySpan<float> x, float max)
    {
        // Σ_j e^(x_j − max) in index order; the shift makes every term <= 1 and one of them exactly 1
        var sum = 0.0;
        foreach (var value in x) sum += PortableExp.Exp((double)value - max);
        return sum;
    }
}
