namespace Rnn.Training.Data;

/// <summary>
/// One MNIST split read as sequences: each image is <see cref="Rows"/> time steps of <see cref="Cols"/> features
/// (the "mnist-rows" data kind), pixels scaled to [0, 1], labels 0..9.
/// </summary>
public sealed class MnistDataset
{
    public MnistDataset(int rows, int cols, float[] pixels, int[] labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.LongLength != (long)labels.Length * rows * cols)
            throw new ArgumentException(
                $"pixels has {pixels.LongLength} values, expected {labels.Length} labels * {rows} * {cols}", nameof(pixels));
        Count = labels.Length;
        Rows = rows;
        Cols = cols;
        Pixels = pixels;
        Labels = labels;
    }

    public int Count { get; }

    /// <summary>Image rows = time steps of the sequence (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Image columns = features per time step (28 for MNIST).</summary>
    public int Cols { get; }

    /// <summary>Row-major [Count, Rows, Cols], each value in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>Class of each image, 0..9.</summary>
    public int[] Labels { get; }

    /// <summary>Image <paramref name="index"/> as Rows*Cols values, row by row (= time step by time step).</summary>
    public ReadOnlySpan<float> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var size = Rows * Cols;
        return Pixels.AsSpan(index * size, size);
    }
}
