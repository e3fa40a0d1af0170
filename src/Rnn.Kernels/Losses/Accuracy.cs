using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// The index of the first maximal element. Rows of eight or more floats take the vector max
    /// (<see cref="SoftmaxRows.Max"/>) and then the first element equal to it; a row whose max is NaN, and a short
    /// row, the scalar scan (where NaN never compares greater), so both give the scalar scan's answer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("argmax of an empty span", nameof(values));
        if (values.Length >= Vector256<float>.Count)
        {
            var max = SoftmaxRows.Max(values);
            if (!float.IsNaN(max))
            {
                ref var v0 = ref MemoryMarshal.GetReference(values);
                var target = Vector256.Create(max);
                var j = 0;
                for (; j + Vector256<float>.Count <= values.Length; j += Vector256<float>.Count)
                {
                    var equal = Vector256.Equals(Vector256.LoadUnsafe(ref v0, (nuint)j), target).ExtractMostSignificantBits();
                    if (equal != 0) return j + BitOperations.TrailingZeroCount(equal);
                }
                for (; j < values.Length; j++)
                    if (values[j] == max) return j;
            }
        }
        var best = 0;
        // strict > keeps the first of equal maxima
        for (var j = 1; j < values.Length; j++)
            if (values[j] > values[best]) best = j;
        return best;
    }
}
