using System.Runtime.CompilerServices;

namespace Rnn.Kernels.Layers;

/// <summary>
/// The batch order of a packed window (pack_padded_sequence with enforce_sorted=False): samples sorted by length,
/// longest first, ties in their original order. Sorted once per batch; tensors move between the caller's order
/// and the sorted one with <see cref="Gather"/> and <see cref="Scatter"/> along their batch axis.
/// </summary>
public sealed class PackedBatchOrder
{
    private int[] _order = [], _sorted = [], _counts = [];

    public int Batch { get; private set; }

    /// <summary>No lengths were given: the batch is used as it is and every sample runs the whole window.</summary>
    public bool IsIdentity { get; private set; } = true;

    /// <summary>The lengths in sorted order (empty when <see cref="IsIdentity"/>), as the layers take them.</summary>
    public ReadOnlySpan<int> SortedLengths => IsIdentity ? default : _sorted.AsSpan(0, Batch);

    /// <summary>Original index of the sample at sorted position i.</summary>
    public int OriginalIndex(int i) => IsIdentity ? i : _order[i];

    /// <summary>
    /// Sorts <paramref name="lengths"/> (B values in 1..T, any order; empty means all T). Counting sort: no allocation
    /// once the buffers have grown.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set(ReadOnlySpan<int> lengths, int steps, int batch)
    {
        Batch = batch;
        IsIdentity = lengths.IsEmpty;
        if (IsIdentity) return;
        if (lengths.Length != batch)
            throw new ArgumentException($"lengths hold {lengths.Length} values; the batch has {batch} samples", nameof(lengths));
        if (_order.Length < batch)
        {
            _order = new int[batch];
            _sorted = new int[batch];
        }
        if (_counts.Length < steps + 2) _counts = new int[steps + 2];
        var counts = _counts.AsSpan(0, steps + 2);
        counts.Clear();
        for (var b = 0; b < batch; b++)
        {
            var n = lengths[b];
            if (n < 1 || n > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), $"sample {b} has length {n}; lengths must be in 1..{steps} (the window)");
            counts[steps - n + 1]++;
        }
        // Position of the first sample of each length, longest first.
        for (var k = 1; k < counts.Length; k++) counts[k] += counts[k - 1];
        for (var b = 0; b < batch; b++)
        {
            var at = counts[steps - lengths[b]]++;
            _order[at] = b;
            _sorted[at] = lengths[b];
        }
    }

    /// <summary>sorted[n, i] = original[n, OriginalIndex(i)] for a tensor [blocks, B, width].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(ReadOnlySpan<float> original, Span<float> sorted, int blocks, int width)
    {
        var block = Batch * width;
        for (var n = 0; n < blocks; n++)
            for (var i = 0; i < Batch; i++)
                original.Slice(n * block + OriginalIndex(i) * width, width).CopyTo(sorted.Slice(n * block + i * width, width));
    }

    /// <summary>original[n, OriginalIndex(i)] = sorted[n, i] for a tensor [blocks, B, width].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scatter(ReadOnlySpan<float> sorted, Span<float> original, int blocks, int width)
    {
        var block = Batch * width;
        for (var n = 0; n < blocks; n++)
            for (var i = 0; i < Batch; i++)
                sorted.Slice(n * block + i * width, width).CopyTo(original.Slice(n * block + OriginalIndex(i) * width, width));
    }

    /// <summary>Tokens [T, B] into sorted order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(ReadOnlySpan<int> original, Span<int> sorted, int blocks)
    {
        for (var n = 0; n < blocks; n++)
            for (var i = 0; i < Batch; i++)
                sorted[n * Batch + i] = original[n * Batch + OriginalIndex(i)];
    }
}
