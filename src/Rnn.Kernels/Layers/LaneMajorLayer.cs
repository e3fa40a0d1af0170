using System.Runtime.CompilerServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Compute.LaneTranspose;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>
/// What the CPU's recurrent layers (<see cref="LstmLayer"/>, <see cref="GruLayer"/>, <see cref="SimpleRnnLayer"/>)
/// share: the batch runs as pieces of 16 rows, each through the whole window on one thread with its step data
/// lane-major ([unit, 16 lanes]); the caller's spans are pinned for the pieces to read and write in place; with
/// per-sample lengths a piece's step computes its running lanes rounded up to 4; backward runs the pieces in at most
/// <see cref="MaxGradientGroups"/> groups, each summing its pieces' weight gradients into its own matrices, and the
/// groups' matrices are added up in group order.
/// </summary>
public abstract class LaneMajorLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, int gateCount,
    CpuCompute compute, bool reverse)
    : RecurrentLayer(layout, index, inputSize, hiddenSize, gateCount, compute, reverse)
{
    // The caller's spans, pinned for the duration of one ParallelFor so the pieces read and write them in place
    // (a delegate cannot hold a span, and copying them through row-major buffers was serial work on one thread):
    // forward x [T, B, I], state0 and stateT [S, B, H], y [T, B, H]; backward dy, dStateT, dx and dState0.
    private protected unsafe float* PinnedX, PinnedState0, PinnedY, PinnedStateT, PinnedDy, PinnedDStateT, PinnedDx, PinnedDState0;
    // Backward's parameter gradients, pinned the same way for the parallel sum of the gradient groups.
    private unsafe float* _gradients;
    private int _gradientCount, _groupCount;
    // The joined matrices whose group weight gradients are being summed.
    private JoinedGradients[] _summed = [];
    // One row buffer per sum chunk [chunk, widest width]: the groups' rows are summed there.
    private float[]? _sumRows;
    private Action<int>? _sumChunk, _forwardPiece, _backwardGroup;
    // Per gradient group, packed windows only: the running lanes of each step of its current piece [group, T].
    private int[]? _groupLanes;
    // Backward, per piece: dy_t of the step in lanes [H, 16].
    private float[]? _dyLanes;

    /// <summary>Batch rows per piece of the recurrence: fixed, so results do not depend on the thread count.</summary>
    private protected const int RowsPerPiece = 16;

    private protected static int PieceCount(int batch) => (batch + RowsPerPiece - 1) / RowsPerPiece;

    private protected static (int First, int Rows) PieceRows(int piece, int batch)
    {
        var first = piece * RowsPerPiece;
        return (first, Math.Min(RowsPerPiece, batch - first));
    }

    /// <summary>Backward computes dx (the caller passed a span for it).</summary>
    private protected bool WantsDx { get; private set; }

    /// <summary>Backward computes the initial state's gradient (the caller passed a span for it).</summary>
    private protected bool WantsDState0 { get; private set; }

    /// <summary>
    /// Backward has a gradient on the outputs; without one (a caller that used only the final state) each piece's dy
    /// lanes stay zero, the bits of an all-zero dy, and no step reads one.
    /// </summary>
    private protected bool HasDy { get; private set; }

    /// <summary>
    /// Forward of one piece over the window (its steps in order), reading x and the initial state and writing y and the
    /// final state through the pinned spans.
    /// </summary>
    private protected abstract void ForwardPiece(int piece);

    /// <summary>Runs <see cref="ForwardPiece"/> for every piece of the batch with the forward spans pinned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe void RunPieces(ReadOnlySpan<float> x, ReadOnlySpan<float> state0, Span<float> y,
        Span<float> stateT)
    {
        fixed (float* px = x, ps = state0, py = y, pt = stateT)
        {
            PinnedX = px;
            PinnedState0 = ps;
            PinnedY = py;
            PinnedStateT = pt;
            try
            {
                Compute.ParallelFor(PieceCount(LastBatch), _forwardPiece ??= ForwardPiece);
            }
            finally
            {
                PinnedX = PinnedState0 = PinnedY = PinnedStateT = null;
            }
        }
    }

    /// <summary>Sets what backward computes (empty dx / dState0: not wanted; empty dy: zero) after checking the spans.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected void BeginBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT, Span<float> dx,
        Span<float> dState0)
    {
        CheckBackwardShapes(dy, dStateT, dx, dState0);
        HasDy = !dy.IsEmpty;
        WantsDx = !dx.IsEmpty;
        WantsDState0 = !dState0.IsEmpty;
        _dyLanes = Grow(_dyLanes, PieceCount(LastBatch) * HiddenSize * Lanes);
    }

    /// <summary>
    /// The piece's dy lanes [H, 16] for its backward's <see cref="ReadStepGradients"/>, zeroed where no step writes them:
    /// the unused lanes of a short piece (so every gate gradient there stays exactly zero), or all of them without a dy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected Span<float> DyLanes(int piece, int rows)
    {
        var dyT = _dyLanes.AsSpan(piece * HiddenSize * Lanes, HiddenSize * Lanes);
        if (rows < Lanes || !HasDy) dyT.Clear();
        return dyT;
    }

    /// <summary>Runs <paramref name="group"/> for every gradient group with the backward spans pinned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe void RunGroups(ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT, Span<float> dx,
        Span<float> dState0, Action<int> group)
    {
        var groups = GradientGroups(PieceCount(LastBatch)).Groups;
        if (!Packed.IsFull) _groupLanes = Grow(_groupLanes, groups * LastSteps);
        fixed (float* pdy = dy, pdt = dStateT, pdx = dx, pd0 = dState0)
        {
            PinnedDy = pdy;
            PinnedDStateT = pdt;
            PinnedDx = pdx;
            PinnedDState0 = pd0;
            try
            {
                Compute.ParallelFor(groups, group);
            }
            finally
            {
                PinnedDy = PinnedDStateT = PinnedDx = PinnedDState0 = null;
            }
        }
    }

    /// <summary>The joined matrices whose weight gradients backward computes, each in its gradient groups.</summary>
    private protected abstract JoinedGradients[] WeightGradients { get; }

    /// <summary>
    /// Backward of one piece of gradient group <paramref name="group"/> over the window: fills the
    /// <see cref="WeightGradients"/>' gate gradients of the group and packs their joined inputs
    /// (<see cref="JoinedGradients.Inputs"/>) for the weight-gradient GEMMs that follow.
    /// </summary>
    private protected abstract void BackwardPiece(int group, int piece);

    /// <summary>
    /// Backward over the last window: the gradient groups (<see cref="BackwardGroup"/>) with the spans pinned, then the
    /// groups' weight gradients summed into <paramref name="gradients"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected void RunBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT, Span<float> dx,
        Span<float> dState0, Span<float> gradients)
    {
        var groups = GradientGroups(PieceCount(LastBatch)).Groups;
        foreach (var part in WeightGradients) part.Prepare(groups, LastSteps, GateCount * HiddenSize);
        RunGroups(dy, dStateT, dx, dState0, _backwardGroup ??= BackwardGroup);
        AddGroupGradients(gradients, WeightGradients);
    }

    /// <summary>
    /// One gradient group: each piece's steps (<see cref="BackwardPiece"/>), then each part's weight gradient dGᵀ·XH
    /// over the piece's steps·16 lanes, summed over the group's pieces in piece order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void BackwardGroup(int group)
    {
        int gh = GateCount * HiddenSize, gateSize = gh * Lanes;
        var parts = WeightGradients;
        var (first, end) = GroupPieces(group);
        for (var piece = first; piece < end; piece++)
        {
            // The GEMM's depth: the piece's steps rounded up to a whole 16-step block (at most T); the steps past its
            // length get zero gate gradients. A packed window's GEMM takes each step's running lanes only (the others'
            // gate gradients are zero, so the bits are those of all 16), and the steps past the piece's length not at all.
            var (b0, rows) = PieceRows(piece, LastBatch);
            var pieceSteps = Packed.Length(b0);
            var depthSteps = parts[0].DepthSteps(pieceSteps);
            var stepLanes = GroupStepLanes(group, b0, rows);
            if (stepLanes.IsEmpty)
                foreach (var part in parts) part.GateGradients(group).Span.Slice(pieceSteps * gateSize, (depthSteps - pieceSteps) * gateSize).Clear();
            BackwardPiece(group, piece);
            // dW (+)= dGᵀ·XH over the piece's steps·16 lanes; the unused lanes of a short piece have dG = 0 exactly.
            fixed (int* lanes = stepLanes)
            {
                foreach (var part in parts)
                    Compute.GemmLaneMajorA(part.GateGradients(group).Pointer, gh, depthSteps, gateSize,
                        part.Inputs(group, pieceSteps), part.WeightGradient(group), accumulate: piece > first, lanes);
            }
        }
    }

    /// <summary>
    /// dW = Σ over the groups in group order of each part's group copies, added to the parameter gradients in parallel
    /// chunks of rows (the same sums for any thread count).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void AddGroupGradients(Span<float> gradients, JoinedGradients[] parts)
    {
        var rows = GateCount * HiddenSize;
        _groupCount = GradientGroups(PieceCount(LastBatch)).Groups;
        _summed = parts;
        var sumChunks = (rows + RowsPerSumChunk - 1) / RowsPerSumChunk;
        _sumRows = Grow(_sumRows, sumChunks * SumRowWidth);
        _sumChunk ??= SumGradientChunk;
        fixed (float* pg = gradients)
        {
            _gradients = pg;
            _gradientCount = gradients.Length;
            try
            {
                Compute.ParallelFor(sumChunks, _sumChunk);
            }
            finally
            {
                _gradients = null;
                _summed = [];
            }
        }
    }

    /// <summary>Rows of dW [G·H, width] per chunk of the gradient-group sum.</summary>
    private const int RowsPerSumChunk = 64;

    /// <summary>The widest part's joined width: one row buffer serves every part.</summary>
    private int SumRowWidth
    {
        get
        {
            var width = 0;
            foreach (var part in _summed) width = Math.Max(width, part.Weights.Width);
            return width;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void SumGradientChunk(int chunk)
    {
        var gradients = new Span<float>(_gradients, _gradientCount);
        var sum = _sumRows.AsSpan(chunk * SumRowWidth, SumRowWidth);
        foreach (var part in _summed) SumGroups(chunk, part.Weights, part.GroupWeightGradients, sum, gradients);
    }

    /// <summary>
    /// Rows of one chunk, row by row: the groups' weight gradients summed in group order in a row buffer (in L1, as
    /// group 0 plus group 1, plus group 2, …: the same bits as summing the matrices), then added.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SumGroups(int chunk, JoinedWeights weights, float[] groupGradients, Span<float> buffer,
        Span<float> gradients)
    {
        int k = weights.Width, rows = GateCount * HiddenSize, weightSize = rows * k;
        int first = chunk * RowsPerSumChunk, end = Math.Min(first + RowsPerSumChunk, rows);
        var all = groupGradients.AsSpan(0, _groupCount * weightSize);
        var sum = buffer[..k];
        for (var r = first; r < end; r++)
        {
            var row = all.Slice(r * k, k);
            if (_groupCount == 1)
            {
                weights.AddGradients(row, gradients, r, 1);
                continue;
            }
            row.CopyTo(sum);
            for (var g = 1; g < _groupCount; g++) ElementwiseSum.AddInto(all.Slice(g * weightSize + r * k, k), sum);
            weights.AddGradients(sum, gradients, r, 1);
        }
    }

    /// <summary>
    /// A piece's joined input slots [h | x_t | 1 | 0…] in lanes, one of <paramref name="slotSize"/> floats per step up
    /// to <paramref name="pieceSteps"/>, with <paramref name="hidden"/> h rows (0 for none; slot 0's are the initial
    /// state, later ones the steps') and <paramref name="input"/> x rows (0 for none; the running samples' x_t); the
    /// ones row carries the bias through the products. A short piece's unused lanes are zeroed first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe void FillJoinedInputs(Span<float> slots, int slotSize, int hidden, int input, int b0,
        int rows, int pieceSteps)
    {
        if (rows < Lanes) slots.Clear();
        if (hidden > 0) ToLanes(Rows(PinnedState0, b0 * hidden, rows, hidden), hidden, rows, hidden, slots);
        for (var t = 0; t < pieceSteps; t++)
        {
            var slot = slots.Slice(t * slotSize, slotSize);
            if (input > 0)
            {
                var active = RunningRows(t, b0, rows);
                ToLanes(Rows(PinnedX, (t * LastBatch + b0) * input, active, input), input, active, input, slot[(hidden * Lanes)..]);
            }
            slot.Slice((hidden + input) * Lanes, rows).Fill(1f);
            slot[((hidden + input + 1) * Lanes)..].Clear();
        }
    }

    /// <summary>
    /// Step t's h in lanes out to y for the running samples (zeros for the piece's others) and, for the samples that
    /// take their last step at t, to the final state. Returns where those samples start (they are [ended, active)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe int WriteStepOutputs(ReadOnlySpan<float> hNext, int t, int b0, int rows, int active)
    {
        int hs = HiddenSize, bh = LastBatch * hs;
        if (PinnedY != null)
        {
            FromLanes(hNext, active, hs, Rows(PinnedY, t * bh + b0 * hs, active, hs), hs);
            Rows(PinnedY, t * bh + (b0 + active) * hs, rows - active, hs).Clear();
        }
        var ended = RunningRows(t + 1, b0, rows);
        if (ended < active)
            FromLanes(hNext[ended..], active - ended, hs, Rows(PinnedStateT, (b0 + ended) * hs, active - ended, hs), hs);
        return ended;
    }

    /// <summary>The piece's outputs past its own steps are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe void ClearOutputsPast(int pieceSteps, int b0, int rows)
    {
        if (PinnedY == null) return;
        int hs = HiddenSize, bh = LastBatch * hs;
        for (var t = pieceSteps; t < LastSteps; t++) Rows(PinnedY, t * bh + b0 * hs, rows, hs).Clear();
    }

    /// <summary>
    /// Backward's step t in: the gradient on the final state of the samples whose last step is t into their lanes of
    /// <paramref name="dh"/> (where each step's product leaves the gradient on h_{t-1}), dy_t of the running samples
    /// into <paramref name="dyT"/> (left as it is without a dy: the piece's backward cleared it). Returns the running
    /// samples and where those ending at t start.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe (int Active, int Ended) ReadStepGradients(Span<float> dh, Span<float> dyT, int t, int b0,
        int rows)
    {
        int hs = HiddenSize, active = RunningRows(t, b0, rows), ended = RunningRows(t + 1, b0, rows);
        ToLanes(Rows(PinnedDStateT, (b0 + ended) * hs, active - ended, hs), hs, active - ended, hs, dh[ended..]);
        if (HasDy) ToLanes(Rows(PinnedDy, (t * LastBatch + b0) * hs, active, hs), hs, active, hs, dyT);
        return (active, ended);
    }

    /// <summary>
    /// dx_t in lanes out for the first <paramref name="computed"/> rows of the piece; the rows past them ended before t
    /// and get zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe void WriteInputGradient(ReadOnlySpan<float> dxLanes, int t, int b0, int rows, int computed)
    {
        int input = InputSize, at = (t * LastBatch + b0) * input;
        FromLanes(dxLanes, computed, input, Rows(PinnedDx, at, computed, input), input);
        Rows(PinnedDx, at + computed * input, rows - computed, input).Clear();
    }

    /// <summary>The piece's input gradient past its own steps is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected unsafe void ClearInputGradientsPast(int pieceSteps, int b0, int rows)
    {
        for (var t = pieceSteps; t < LastSteps; t++) Rows(PinnedDx, (t * LastBatch + b0) * InputSize, rows, InputSize).Clear();
    }

    /// <summary>Rows of the piece from <paramref name="b0"/> still running at step t: a prefix of its rows.</summary>
    private protected int RunningRows(int t, int b0, int rows) => Math.Clamp(Packed.Active(t) - b0, 0, rows);

    /// <summary>
    /// Lanes whose product a packed piece's step computes: its running samples (the first lanes) rounded up to a
    /// multiple of 4.
    /// </summary>
    private protected int StepLanes(int running) => Packed.IsFull ? Lanes : (running + 3) / 4 * 4;

    /// <summary>The pieces [First, End) of gradient group <paramref name="group"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected (int First, int End) GroupPieces(int group)
    {
        var pieces = PieceCount(LastBatch);
        var perGroup = GradientGroups(pieces).PiecesPerGroup;
        return (group * perGroup, Math.Min((group + 1) * perGroup, pieces));
    }

    /// <summary>
    /// A packed window's running lanes of each step of the group's current piece, for the weight-gradient GEMMs
    /// (which then take only those lanes, and none of the steps past the piece's length); empty for a full window.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected Span<int> GroupStepLanes(int group, int b0, int rows)
    {
        if (Packed.IsFull) return default;
        var lanes = _groupLanes.AsSpan(group * LastSteps, LastSteps);
        for (var t = 0; t < lanes.Length; t++) lanes[t] = RunningRows(t, b0, rows);
        return lanes;
    }

    /// <summary><paramref name="rows"/> rows of <paramref name="width"/> floats of a pinned span, from <paramref name="offset"/>.</summary>
    private protected static unsafe Span<float> Rows(float* pinned, int offset, int rows, int width) =>
        new(pinned + offset, rows * width);

    /// <summary>
    /// Backward pieces go in at most this many groups of consecutive pieces, a group on one thread: each group sums the
    /// weight gradients of its pieces in piece order into its own matrices (so a window needs at most that many,
    /// whatever the batch), and the groups are added up in group order.
    /// </summary>
    private const int MaxGradientGroups = 8;

    private protected static (int Groups, int PiecesPerGroup) GradientGroups(int pieces)
    {
        var perGroup = (pieces + MaxGradientGroups - 1) / MaxGradientGroups;
        return ((pieces + perGroup - 1) / perGroup, perGroup);
    }
}
