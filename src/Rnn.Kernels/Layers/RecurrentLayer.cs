using System.Runtime.CompilerServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Layers;

/// <summary>
/// One recurrent layer (PyTorch layout): weight_ih_l{k} [G·H, I], weight_hh_l{k} [G·H, H], bias_ih_l{k}, bias_hh_l{k}.
/// Activations are time-major: x [T,B,I], y [T,B,H]; states [S,B,H] with S = 1 (h) or 2 (h, c for LSTM).
/// With per-sample lengths (PyTorch's packed sequences) sample b runs steps 0..lengths[b]-1 only: its final state is
/// the state after its own last step, y is zero past it, and no gradient flows through the steps past it. A layer
/// always runs forward in time; the reverse direction of a bidirectional layer (<see cref="IsReverse"/>, parameters
/// named ..._reverse) is the same layer run over each sample's steps in reverse order (<see cref="RecurrentBlock"/>).
/// Forward keeps what backward needs in buffers owned by the layer, grown on first use and then reused, so the
/// steady state allocates nothing.
/// </summary>
public abstract class RecurrentLayer
{
    private protected readonly CpuCompute Compute;

    /// <summary>Layer <paramref name="index"/> of a stack (PyTorch's _l{index} names) for <paramref name="cell"/>.</summary>
    public static RecurrentLayer Create(RecurrentCell cell, ParameterLayout layout, int index, int inputSize,
        int hiddenSize, CpuCompute compute, bool reverse = false) => cell switch
    {
        RecurrentCell.SimpleRnn => new SimpleRnnLayer(layout, index, inputSize, hiddenSize, compute, reverse),
        RecurrentCell.Lstm => new LstmLayer(layout, index, inputSize, hiddenSize, compute, reverse),
        RecurrentCell.Gru => new GruLayer(layout, index, inputSize, hiddenSize, compute, reverse),
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "unknown cell"),
    };

    protected RecurrentLayer(ParameterLayout layout, int index, int inputSize, int hiddenSize, int gateCount,
        CpuCompute compute, bool reverse)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "must be positive");
        if (hiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "must be positive");
        Index = index;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        GateCount = gateCount;
        Compute = compute;
        IsReverse = reverse;
        // PyTorch's names: weight_ih_l0, ..., and weight_ih_l0_reverse ... for the reverse direction.
        var suffix = reverse ? $"l{index}_reverse" : $"l{index}";
        WeightIh = layout.Add($"weight_ih_{suffix}", gateCount * hiddenSize, inputSize);
        WeightHh = layout.Add($"weight_hh_{suffix}", gateCount * hiddenSize, hiddenSize);
        BiasIh = layout.Add($"bias_ih_{suffix}", gateCount * hiddenSize);
        BiasHh = layout.Add($"bias_hh_{suffix}", gateCount * hiddenSize);
    }

    public int Index { get; }

    /// <summary>The reverse direction of a bidirectional layer (its parameters are named ..._reverse).</summary>
    public bool IsReverse { get; }

    /// <summary>The step layout of the last forward pass (which rows run at each step), which backward reuses.</summary>
    private protected PackedSteps Packed { get; } = new();

    public int InputSize { get; }

    public int HiddenSize { get; }

    /// <summary>Gates per unit: 1 (simple RNN), 4 (LSTM i,f,g,o), 3 (GRU r,z,n).</summary>
    public int GateCount { get; }

    /// <summary>State tensors carried between windows: 1 (h) or 2 (h, c).</summary>
    public virtual int StateCount => 1;

    public ParameterView WeightIh { get; }

    public ParameterView WeightHh { get; }

    public ParameterView BiasIh { get; }

    public ParameterView BiasHh { get; }

    /// <summary>Steps and batch of the last forward pass, which backward differentiates.</summary>
    public int LastSteps { get; private protected set; }

    public int LastBatch { get; private protected set; }

    /// <summary>PyTorch's default: every parameter uniform in ±1/sqrt(H).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Initialize(Span<float> parameters, DeterministicRandom random)
    {
        var bound = 1f / MathF.Sqrt(HiddenSize);
        foreach (var view in new[] { WeightIh, WeightHh, BiasIh, BiasHh })
        {
            var p = view.Of(parameters);
            for (var i = 0; i < p.Length; i++) p[i] = (2f * random.NextFloat() - 1f) * bound;
        }
    }

    /// <summary>
    /// Runs T steps from state0 [S,B,H]. Writes y [T,B,H] and the final state [S,B,H]; keeps activations for
    /// <see cref="Backward"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch) =>
        Forward(parameters, x, state0, y, stateT, steps, batch, default);

    /// <summary>
    /// Runs sample b over steps 0..lengths[b]-1 from state0 [S,B,H]: y [T,B,H] (zero past each length) and each
    /// sample's state after its own last step [S,B,H]. <paramref name="sortedLengths"/> is empty (all T) or B values
    /// in 1..T sorted longest first (<see cref="PackedBatchOrder"/> sorts a batch); only the samples still running are
    /// computed at each step. An empty <paramref name="y"/>: the caller uses only the final state, and the step
    /// outputs are not written. Keeps activations for <see cref="Backward"/>.
    /// </summary>
    public abstract void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> state0,
        Span<float> y, Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths);

    /// <summary>
    /// Backward through the last forward window. Inputs: dy [T,B,H] (ignored past each sample's length; empty when
    /// the outputs had no gradient, as for a forward without them: the bits of an all-zero dy) and the gradient on the
    /// final state [S,B,H].
    /// Outputs dx [T,B,I] and the gradient on the initial state [S,B,H], each an empty span when the caller has no
    /// use for it (it is then not computed); parameter gradients are ADDED into <paramref name="gradients"/> (same
    /// layout as the parameters).
    /// </summary>
    public abstract void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT,
        Span<float> dx, Span<float> dState0, Span<float> gradients);

    /// <summary>Checks the spans and sets <see cref="Packed"/> for the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected void CheckShapes(ReadOnlySpan<float> x, ReadOnlySpan<float> state0, Span<float> y,
        Span<float> stateT, int steps, int batch, ReadOnlySpan<int> sortedLengths)
    {
        if (steps < 1 || batch < 1) throw new ArgumentException($"steps ({steps}) and batch ({batch}) must be positive");
        var states = StateCount * batch * HiddenSize;
        if (x.Length < steps * batch * InputSize) throw new ArgumentException($"x holds {x.Length} floats; [T={steps},B={batch},I={InputSize}] needs {steps * batch * InputSize}", nameof(x));
        if (state0.Length < states) throw new ArgumentException($"state0 holds {state0.Length} floats; needs {states}", nameof(state0));
        if (!y.IsEmpty && y.Length < steps * batch * HiddenSize) throw new ArgumentException($"y holds {y.Length} floats; needs {steps * batch * HiddenSize} (or none)", nameof(y));
        if (stateT.Length < states) throw new ArgumentException($"stateT holds {stateT.Length} floats; needs {states}", nameof(stateT));
        Packed.Set(sortedLengths, steps, batch);
    }

    /// <summary>Backward's spans against the last forward's shape; empty dx / dState0 mean "not wanted", empty dy zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected void CheckBackwardShapes(ReadOnlySpan<float> dy, ReadOnlySpan<float> dStateT, Span<float> dx,
        Span<float> dState0)
    {
        int rows = LastSteps * LastBatch, states = StateCount * LastBatch * HiddenSize;
        if (!dy.IsEmpty && dy.Length < rows * HiddenSize) throw new ArgumentException($"dy holds {dy.Length} floats; [T={LastSteps},B={LastBatch},H={HiddenSize}] needs {rows * HiddenSize} (or none)", nameof(dy));
        if (dStateT.Length < states) throw new ArgumentException($"dStateT holds {dStateT.Length} floats; needs {states}", nameof(dStateT));
        if (!dx.IsEmpty && dx.Length < rows * InputSize) throw new ArgumentException($"dx holds {dx.Length} floats; needs {rows * InputSize} (or none)", nameof(dx));
        if (!dState0.IsEmpty && dState0.Length < states) throw new ArgumentException($"dState0 holds {dState0.Length} floats; needs {states} (or none)", nameof(dState0));
    }
}
