namespace Rnn.Kernels.Tensors;

/// <summary>Buffers that grow on first use and are then reused, so steady-state steps allocate nothing.</summary>
internal static class ReusableBuffer
{
    /// <summary>The buffer itself when it holds at least <paramref name="length"/> floats, else a new one.</summary>
    public static float[] Grow(float[]? buffer, int length) =>
        buffer is not null && buffer.Length >= length ? buffer : new float[length];

    /// <summary>The buffer itself when it holds at least <paramref name="length"/> ints, else a new one.</summary>
    public static int[] Grow(int[]? buffer, int length) =>
        buffer is not null && buffer.Length >= length ? buffer : new int[length];
}
