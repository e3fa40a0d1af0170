using System.Runtime.CompilerServices;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Layers;

/// <summary>
/// One level of a recurrent stack: a forward layer and, when bidirectional, its reverse twin (torch.nn.LSTM with
/// bidirectional=True; Keras Bidirectional). The reverse layer runs over each sample's own steps in reverse order,
/// from its last valid step n-1 down to 0: its input is x[n-1-t] and its output at t lands at n-1-t. Outputs join
/// by <see cref="Merge"/> (concat: y[..., :H] forward, y[..., H:] reverse). States are [D, S, B, H]: the forward
/// layer's [S, B, H], then the reverse layer's. Lengths, when given, are sorted longest first.
/// </summary>
public sealed class RecurrentBlock
{
    private float[]? _xReversed, _yForward, _yReversed, _yReverseAligned, _dyForward, _dyReverseAligned, _dyReversed, _dxReversed;
    private int[] _lengths = [];
    private int _steps, _batch;

    public RecurrentBlock(RecurrentLayer forward, RecurrentLayer? reverse, BidirectionalMerge merge = BidirectionalMerge.Concat)
    {
        ArgumentNullException.ThrowIfNull(forward);
        if (forward.IsReverse) throw new ArgumentException("the forward layer of a block is named as a reverse layer", nameof(forward));
        if (reverse is not null && (!reverse.IsReverse || reverse.GetType() != forward.GetType()
            || reverse.InputSize != forward.InputSize || reverse.HiddenSize != forward.HiddenSize))
            throw new ArgumentException("the reverse layer must be a ..._reverse layer of the forward layer's cell and sizes", nameof(reverse));
        ForwardLayer = forward;
        ReverseLayer = reverse;
        Merge = merge;
    }

    public RecurrentLayer ForwardLayer { get; }

    public RecurrentLayer? ReverseLayer { get; }

    public BidirectionalMerge Merge { get; }

    public int Directions => ReverseLayer is null ? 1 : 2;

    public int InputSize => ForwardLayer.InputSize;

    public int HiddenSize => ForwardLayer.HiddenSize;

    public int StateCount => ForwardLayer.StateCount;

    /// <summary>Width of an output row: 2H for concat of two directions, else H.</summary>
    public int OutputSize => Directions == 2 && Merge == BidirectionalMerge.Concat ? 2 * HiddenSize : HiddenSize;

    /// <summary>Floats of a block state [D, S, B, H].</summary>
    public int StateLength(int batch) => Directions * StateCount * batch * HiddenSize;

    /// <summary>
    /// x [T,B,I] and state0 [D,S,B,H] in; y [T,B,OutputSize] (zero past each length; an empty span: not wanted) and
    /// each direction's final state [D,S,B,H] out. <paramref name="sortedLengths"/>: empty (all T) or B lengths, longest first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        if (ReverseLayer is null)
        {
            ForwardLayer.Forward(parameters, x, state0, y, stateT, steps, batch, sortedLengths);
            return;
        }
        _steps = steps;
        _batch = batch;
        if (_lengths.Length < batch) _lengths = new int[batch];
        for (var b = 0; b < batch; b++) _lengths[b] = sortedLengths.IsEmpty ? steps : sortedLengths[b];
        int hs = HiddenSize, io = steps * batch * InputSize, ho = steps * batch * hs, one = StateLength(batch) / 2;
        _xReversed = Grow(_xReversed, io);
        ReverseSteps(x, _xReversed, InputSize);
        if (y.IsEmpty)
        {
            // Only the final states are wanted (LastOutput): neither direction writes its outputs.
            ForwardLayer.Forward(parameters, x, state0[..one], [], stateT[..one], steps, batch, sortedLengths);
            ReverseLayer.Forward(parameters, _xReversed, state0.Slice(one, one), [], stateT.Slice(one, one), steps, batch, sortedLengths);
            return;
        }
        _yForward = Grow(_yForward, ho);
        _yReversed = Grow(_yReversed, ho);
        _yReverseAligned = Grow(_yReverseAligned, ho);

        ForwardLayer.Forward(parameters, x, state0[..one], _yForward, stateT[..one], steps, batch, sortedLengths);
        ReverseLayer.Forward(parameters, _xReversed, state0.Slice(one, one), _yReversed, stateT.Slice(one, one), steps, batch, sortedLengths);
        ReverseSteps(_yReversed, _yReverseAligned, hs);
        MergeRows(_yForward.AsSpan(0, ho), _yReverseAligned.AsSpan(0, ho), y, steps * batch);
    }

    /// <summary>
    /// Backward through the last <see cref="Forward"/>: dy [T,B,OutputSize] (empty: zero), dStateT [D,S,B,H]; dx [T,B,I] and
    /// dState0 [D,S,B,H] out (empty spans skip them); parameter gradients are ADDED into <paramref name="gradients"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients)
    {
        if (ReverseLayer is null)
        {
            ForwardLayer.Backward(parameters, dy, dStateT, dx, dState0, gradients);
            return;
        }
        int steps = _steps, batch = _batch, hs = HiddenSize, io = steps * batch * InputSize, ho = steps * batch * hs;
        var one = StateLength(batch) / 2;
        ReadOnlySpan<float> dyForward = [], dyReversed = [];
        if (!dy.IsEmpty)
        {
            _dyForward = Grow(_dyForward, ho);
            _dyReverseAligned = Grow(_dyReverseAligned, ho);
            _dyReversed = Grow(_dyReversed, ho);
            SplitRows(dy, _yForward.AsSpan(0, ho), _yReverseAligned.AsSpan(0, ho), _dyForward.AsSpan(0, ho), _dyReverseAligned.AsSpan(0, ho), steps * batch);
            ReverseSteps(_dyReverseAligned, _dyReversed, hs);
            dyForward = _dyForward;
            dyReversed = _dyReversed;
        }

        var dState0Forward = dState0.IsEmpty ? dState0 : dState0[..one];
        var dState0Reverse = dState0.IsEmpty ? dState0 : dState0.Slice(one, one);
        ForwardLayer.Backward(parameters, dyForward, dStateT[..one], dx, dState0Forward, gradients);
        if (dx.IsEmpty)
        {
            ReverseLayer.Backward(parameters, dyReversed, dStateT.Slice(one, one), [], dState0Reverse, gradients);
            return;
        }
        _dxReversed = Grow(_dxReversed, io);
        ReverseLayer.Backward(parameters, dyReversed, dStateT.Slice(one, one), _dxReversed.AsSpan(0, io), dState0Reverse, gradients);
        // dx[t] += the reverse layer's input gradient at its step n-1-t.
        AddReversedSteps(_dxReversed, dx, InputSize);
    }

    /// <summary>
    /// The output of a layer without return_sequences, [B, OutputSize]: each direction's final h (the forward output at
    /// each sample's last valid step, the reverse output at step 0), merged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LastOutput(ReadOnlySpan<float> stateT, Span<float> output, int batch)
    {
        var bh = batch * HiddenSize;
        if (ReverseLayer is null)
        {
            stateT[..bh].CopyTo(output);
            return;
        }
        MergeRows(stateT[..bh], stateT.Slice(StateLength(batch) / 2, bh), output, batch);
    }

    /// <summary>dStateT [D,S,B,H] for a gradient on <see cref="LastOutput"/>: on each direction's h, zero on c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LastOutputGradient(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> stateT, Span<float> dStateT, int batch)
    {
        var bh = batch * HiddenSize;
        dStateT[..StateLength(batch)].Clear();
        if (ReverseLayer is null)
        {
            dOutput[..bh].CopyTo(dStateT);
            return;
        }
        var one = StateLength(batch) / 2;
        SplitRows(dOutput, stateT[..bh], stateT.Slice(one, bh), dStateT[..bh], dStateT.Slice(one, bh), batch);
    }

    /// <summary>dst[t, b] = src[n_b - 1 - t, b] for t &lt; n_b, zero past it: a tensor [T, B, width] in reversed time.</summary>
    private void ReverseSteps(ReadOnlySpan<float> src, Span<float> dst, int width)
    {
        int steps = _steps, batch = _batch;
        for (var t = 0; t < steps; t++)
            for (var b = 0; b < batch; b++)
            {
                var n = _lengths[b];
                var row = dst.Slice((t * batch + b) * width, width);
                if (t < n) src.Slice(((n - 1 - t) * batch + b) * width, width).CopyTo(row);
                else row.Clear();
            }
    }

    /// <summary>dst[t, b] += src[n_b - 1 - t, b] for t &lt; n_b.</summary>
    private void AddReversedSteps(ReadOnlySpan<float> src, Span<float> dst, int width)
    {
        var batch = _batch;
        for (var b = 0; b < batch; b++)
            for (var t = 0; t < _lengths[b]; t++)
                ElementwiseSum.AddInto(src.Slice(((_lengths[b] - 1 - t) * batch + b) * width, width), dst.Slice((t * batch + b) * width, width));
    }

    /// <summary>out[r] = merge(forward[r], reverse[r]) for <paramref name="rows"/> rows of H.</summary>
    private void MergeRows(ReadOnlySpan<float> forward, ReadOnlySpan<float> reverse, Span<float> output, int rows)
    {
        var hs = HiddenSize;
        for (var r = 0; r < rows; r++)
        {
            var f = forward.Slice(r * hs, hs);
            var v = reverse.Slice(r * hs, hs);
            if (Merge == BidirectionalMerge.Concat)
            {
                f.CopyTo(output.Slice(2 * r * hs, hs));
                v.CopyTo(output.Slice((2 * r + 1) * hs, hs));
                continue;
            }
            var o = output.Slice(r * hs, hs);
            for (var j = 0; j < hs; j++)
                o[j] = Merge switch
                {
                    BidirectionalMerge.Sum => f[j] + v[j],
                    BidirectionalMerge.Multiply => f[j] * v[j],
                    _ => 0.5f * (f[j] + v[j]),
                };
        }
    }

    /// <summary>The gradients of <see cref="MergeRows"/> on each direction's rows.</summary>
    private void SplitRows(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> forward, ReadOnlySpan<float> reverse,
        Span<float> dForward, Span<float> dReverse, int rows)
    {
        var hs = HiddenSize;
        for (var r = 0; r < rows; r++)
        {
            var df = dForward.Slice(r * hs, hs);
            var dv = dReverse.Slice(r * hs, hs);
            if (Merge == BidirectionalMerge.Concat)
            {
                dOutput.Slice(2 * r * hs, hs).CopyTo(df);
                dOutput.Slice((2 * r + 1) * hs, hs).CopyTo(dv);
                continue;
            }
            var d = dOutput.Slice(r * hs, hs);
            for (var j = 0; j < hs; j++)
            {
                // sum: both get d; average: both d/2; multiply: each gets d times the other direction's output
                (df[j], dv[j]) = Merge switch
                {
                    BidirectionalMerge.Sum => (d[j], d[j]),
                    BidirectionalMerge.Multiply => (d[j] * reverse[r * hs + j], d[j] * forward[r * hs + j]),
                    _ => (0.5f * d[j], 0.5f * d[j]),
                };
            }
        }
    }
}
