namespace Rnn.Training.Safetensors;

/// <summary>Shape arithmetic shared by the tensor, the reader and the writer.</summary>
internal static class SafetensorsShape
{
    /// <summary>
    /// Product of non-negative dims, saturating at long.MaxValue: callers only compare it with real byte counts,
    /// which are far smaller, so saturation turns an overflow into an ordinary mismatch instead of an exception.
    /// </summary>
    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim == 0) return 0;
            count = count > int.MaxValue ? long.MaxValue : count * dim;
        }
        return count;
    }

    /// <summary>Elements times element size, saturating like <see cref="ElementCount"/>.</summary>
    public static long ByteCount(long elementCount, SafetensorsDType dtype)
    {
        var size = dtype.ElementSize();
        return elementCount > long.MaxValue / size ? long.MaxValue : elementCount * size;
    }

    public static string Format(IEnumerable<int> shape) => "[" + string.Join(",", shape) + "]";
}
