using System.Runtime.CompilerServices;

namespace Rnn.Kernels.Layers;

/// <summary>
/// Which rows of a window run at each step when sample b is only lengths[b] steps long, as PyTorch's packed sequences:
/// the batch is sorted by length, longest first, so the rows still running at step t are the prefix
/// [0, <see cref="Active"/>(t)) and every product of a step works on that prefix only (the CPU layers' pieces take
/// their own part of it, see LaneMajorLayer).
/// </summary>
/// <remarks>
/// The ILGPU layers keep their per-step rows (x_t, gates_t, h_{t-1}) in slots: slot t starts at row <see cref="Offset"/>(t) and
/// holds Active(t-1) rows (B for t = 0), of which the first Active(t) are step t's. Slot t of the hidden-state array
/// is then h_{t-1} and lines up row for row with the input slot t, so the weight gradients stay one GEMM over all
/// <see cref="Rows"/> rows; the rows of a slot past Active(t) (samples that ended at t-1) are kept zero in the
/// gradient arrays. With every length equal to T the slots are the plain [T, B] rows.
/// </remarks>
public sealed class PackedSteps
{
    private int[] _lengths = [], _active = [], _offsets = [];

    public int Steps { get; private set; }

    public int Batch { get; private set; }

    /// <summary>Every sample runs all T steps (no lengths given).</summary>
    public bool IsFull { get; private set; }

    /// <summary>Rows of the input-side arrays: slots 0..T-1.</summary>
    public int Rows => _offsets[Steps];

    /// <summary>Rows of the hidden-state array [h0 | h_0 | ... | h_{T-1}]: slots 0..T.</summary>
    public int StateRows => _offsets[Steps + 1];

    /// <summary>Samples still running at step t (0 for t ≥ T).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Active(int t) => t < Steps ? _active[t] : 0;

    /// <summary>First row of slot t (0 ≤ t ≤ T + 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Offset(int t) => _offsets[t];

    /// <summary>Steps of sample b (its position in the sorted batch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Length(int b) => _lengths[b];

    /// <summary>
    /// Sets the layout for a window. <paramref name="sortedLengths"/> is empty (every sample runs T steps) or holds B
    /// lengths in 1..T, longest first (see <see cref="PackedBatchOrder"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set(ReadOnlySpan<int> sortedLengths, int steps, int batch)
    {
        if (!sortedLengths.IsEmpty && sortedLengths.Length != batch)
            throw new ArgumentException($"lengths hold {sortedLengths.Length} values; the batch has {batch} samples", nameof(sortedLengths));
        if (_lengths.Length < batch) _lengths = new int[batch];
        if (_active.Length < steps) _active = new int[steps];
        if (_offsets.Length < steps + 2) _offsets = new int[steps + 2];
        Steps = steps;
        Batch = batch;
        IsFull = true;
        for (var b = 0; b < batch; b++)
        {
            var n = sortedLengths.IsEmpty ? steps : sortedLengths[b];
            if (n < 1 || n > steps)
                throw new ArgumentOutOfRangeException(nameof(sortedLengths), $"sample {b} has length {n}; lengths must be in 1..{steps} (the window)");
            if (b > 0 && n > _lengths[b - 1])
                throw new ArgumentException($"lengths must be sorted longest first for packed steps: sample {b} has {n} after {_lengths[b - 1]}", nameof(sortedLengths));
            _lengths[b] = n;
            IsFull &= n == steps;
        }
        // Active(t) = #{b : length_b > t}; with the lengths sorted it is found walking down from the previous step's.
        var active = batch;
        for (var t = 0; t < steps; t++)
        {
            while (active > 0 && _lengths[active - 1] <= t) active--;
            _active[t] = active;
        }
        _offsets[0] = 0;
        for (var t = 0; t <= steps; t++) _offsets[t + 1] = _offsets[t] + (t == 0 ? batch : _active[t - 1]);
    }
}
