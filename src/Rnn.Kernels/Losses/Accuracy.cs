using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Losses;

/// <summary>Classification accuracy: how many rows' argmax equals the label (Keras' sparse_categorical_accuracy).</summary>
public static class Accuracy
{
    /// <summary>
    /// Rows of [rows, classes] whose argmax is the label. Ties go to the first maximal class (as torch.argmax and
    /// numpy.argmax); a NaN never compares greater, so it wins only in column 0. Rows labelled
    /// <see cref="SoftmaxCrossEntropy.IgnoreLabel"/> are not counted; divide by
    /// <see cref="SoftmaxCrossEntropy.CountLabelled"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountCorrect(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> labels)
    {
        LossArguments.CheckClassification(logits.Length, rows, classes, labels.Length);
        var correct = 0;
        for (var row = 0; row < rows; row++)
        {
            if (!LossArguments.IsCounted(labels[row], row, classes)) continue;
            if (ArgMax(logits.Slice(row * classes, classes)) == labels[row]) correct++;
        }
        return correct;
    }

    /// <summary>The index of the first maximal element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("argmax of an empty span", nameof(values));
        var best = 0;
        // strict > keeps the first of equal maxima
        for (var j = 1; j < values.Length; j++)
            if (values[j] > values[best]) best = j;
        return best;
    }
}
