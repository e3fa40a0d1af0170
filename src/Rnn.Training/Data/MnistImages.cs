namespace Rnn.Training.Data;

/// <summary>The content of one IDX images file: <see cref="Count"/> images of Rows x Cols, pixels scaled to [0, 1].</summary>
public sealed class MnistImages
{
    public MnistImages(int count, int rows, int cols, float[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != (long)count * rows * cols)
            throw new ArgumentException($"pixels has {pixels.LongLength} values, expected {count}*{rows}*{cols}", nameof(pixels));
        Count = count;
        Rows = rows;
        Cols = cols;
        Pixels = pixels;
    }

    public int Count { get; }
    public int Rows { get; }
    public int Cols { get; }

    /// <summary>Row-major [Count, Rows, Cols].</summary>
    public float[] Pixels { get; }
}
