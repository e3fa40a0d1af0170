using System.Runtime.CompilerServices;
using Rnn.Kernels.Compute;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Tensors;
using static Rnn.Kernels.Tensors.ReusableBuffer;

namespace Rnn.Kernels.Models;

/// <summary>
/// A stack of layers like a Keras Sequential model over time-major batches: an optional embedding, recurrent layers
/// (each returning all steps or only the last), dropout, and dense layers (applied per step while the activations
/// are still sequences). Every parameter lives in one flat buffer described by <see cref="Layout"/>; recurrent
/// layers are named weight_ih_l{k}... in stack order (a bidirectional layer's reverse direction weight_ih_l{k}_reverse
/// ..., as PyTorch), dense layers dense, dense_1, ..., the embedding embedding.
/// Build it with the Add* methods, then call Forward/Backward with buffers of any T and B. With per-sample lengths
/// the batch runs in length order (longest first, see <see cref="PackedBatchOrder"/>) from input to output and the
/// output comes back in the caller's order.
/// </summary>
public sealed class SequentialModel
{
    private readonly List<Stage> _stages = [];
    private readonly CpuCompute _compute;
    private int _recurrentCount, _denseCount;
    private int _steps, _batch;
    // Only ever zeros (new arrays, never written): the initial state without carried state, dStateT of a sequence layer.
    private float[] _zeroState = [];
    // The final state's gradient of a layer without return_sequences.
    private float[] _dStateT = [];
    private float[] _inputCopy = [];
    private int[] _tokenCopy = [];
    private float[] _callerOrderOutput = [], _sortedState = [];
    private readonly PackedBatchOrder _order = new();

    public SequentialModel(int inputSize, bool tokenInput, CpuCompute compute)
    {
        InputSize = inputSize;
        TokenInput = tokenInput;
        _compute = compute;
    }

    public ParameterLayout Layout { get; } = new();

    /// <summary>Features per step of the input, or the vocabulary size when the input is tokens.</summary>
    public int InputSize { get; }

    public bool TokenInput { get; }

    public int OutputSize => _stages.Count == 0 ? InputSize : _stages[^1].OutputSize;

    /// <summary>True when the output has a row per step ([T·B, C]), false when it is one row per stream ([B, C]).</summary>
    public bool SequenceOutput => _stages.Count == 0 || _stages[^1].SequenceOut;

    /// <summary>The layers in order with their shapes, for backends that run the model on their own kernels.</summary>
    public IReadOnlyList<ModelStage> Stages => _stages.Select(s => s.Layer is RecurrentBlock block
        ? new ModelStage(block.ForwardLayer, s.SequenceIn, s.SequenceOut, s.OutputSize, block.ReverseLayer, block.Merge)
        : new ModelStage(s.Layer, s.SequenceIn, s.SequenceOut, s.OutputSize)).ToArray();

    /// <summary>The recurrent layers, one block (one or two directions) per recurrent layer of the model.</summary>
    public IReadOnlyList<RecurrentBlock> RecurrentBlocks => _stages.Select(s => s.Layer).OfType<RecurrentBlock>().ToArray();

    /// <summary>True when a recurrent layer runs in both directions (then no state can be carried between windows).</summary>
    public bool IsBidirectional { get; private set; }

    public SequentialModel AddEmbedding(int dimension)
    {
        if (_stages.Count > 0 || !TokenInput) throw new InvalidOperationException("an embedding must be the first layer of a model over tokens");
        return AddStage(new EmbeddingLayer(Layout, "embedding", InputSize, dimension), dimension, sequenceOut: true);
    }

    /// <summary>
    /// A recurrent layer; <paramref name="bidirectional"/> adds its reverse direction (Keras Bidirectional, PyTorch
    /// bidirectional=True), whose outputs join the forward ones by <paramref name="merge"/>. Without
    /// <paramref name="returnSequences"/> the output is each sample's last valid step (for two directions: the forward
    /// output there and the reverse output at step 0, merged).
    /// </summary>
    public SequentialModel AddRecurrent(RecurrentCell cell, int units, bool returnSequences, bool bidirectional = false,
        BidirectionalMerge merge = BidirectionalMerge.Concat)
    {
        var inputSize = CurrentSize();
        if (!CurrentIsSequence()) throw new InvalidOperationException("a recurrent layer needs a sequence: the layer before it must return sequences");
        var layer = RecurrentLayer.Create(cell, Layout, _recurrentCount, inputSize, units, _compute);
        var reverse = bidirectional ? RecurrentLayer.Create(cell, Layout, _recurrentCount, inputSize, units, _compute, reverse: true) : null;
        _recurrentCount++;
        var block = new RecurrentBlock(layer, reverse, merge);
        IsBidirectional |= bidirectional;
        return AddStage(block, block.OutputSize, returnSequences);
    }

    public SequentialModel AddDense(int units)
    {
        var name = _denseCount == 0 ? "dense" : $"dense_{_denseCount}";
        _denseCount++;
        return AddStage(new DenseLayer(Layout, name, CurrentSize(), units, _compute), units, CurrentIsSequence());
    }

    public SequentialModel AddDropout(float rate) => AddStage(new DropoutLayer(rate), CurrentSize(), CurrentIsSequence());

    /// <summary>Seeded initialisation following PyTorch's defaults for each layer type.</summary>
    public void Initialize(Span<float> parameters, ulong seed)
    {
        for (var i = 0; i < _stages.Count; i++)
        {
            var random = DeterministicRandom.Derive(seed, 1, i);
            switch (_stages[i].Layer)
            {
                case RecurrentBlock r:
                    r.ForwardLayer.Initialize(parameters, random);
                    r.ReverseLayer?.Initialize(parameters, random);
                    break;
                case DenseLayer d: d.Initialize(parameters, random); break;
                case EmbeddingLayer e: e.Initialize(parameters, random); break;
            }
        }
    }

    /// <summary>Zero state for <paramref name="batch"/> streams, in the shape <see cref="Forward"/> carries.</summary>
    public CarriedState CreateState(int batch) =>
        new(RecurrentBlocks.Select(r => new float[r.StateLength(batch)]).ToArray(), batch);

    /// <summary>
    /// Forward over a window: features [T,B,I] (or tokens [T,B]). When <paramref name="state"/> is given the
    /// recurrent layers start from it and it is overwritten with their final states; otherwise they start at zero.
    /// Returns the output, [T·B, C] or [B, C] (see <see cref="SequenceOutput"/>), valid until the next call.
    /// <paramref name="lengths"/>: empty (every sample runs T steps) or B lengths in 1..T, any order; the recurrent
    /// layers then stop each sample at its own last step (PyTorch's packed sequences).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features,
        ReadOnlySpan<int> tokens, int steps, int batch, CarriedState? state, bool training, ulong dropoutSeed,
        ReadOnlySpan<int> lengths = default)
    {
        if (_stages.Count == 0) throw new InvalidOperationException("the model has no layers");
        if (state is not null && state.Batch != batch)
            throw new ArgumentException($"carried state is for {state.Batch} streams but the batch has {batch}", nameof(state));
        if (state is not null && IsBidirectional)
            throw new ArgumentException("a bidirectional layer cannot carry state from one window to the next (its reverse pass runs backward in time); drop 'bidirectional' or the carried state", nameof(state));
        _steps = steps;
        _batch = batch;
        _order.Set(lengths, steps, batch);
        var rows = steps * batch;
        if (!TokenInput)
        {
            if (features.Length < rows * InputSize)
                throw new ArgumentException($"features hold {features.Length} floats; [T={steps},B={batch},I={InputSize}] needs {rows * InputSize}", nameof(features));
            _inputCopy = Grow(_inputCopy, rows * InputSize);
            if (_order.IsIdentity) features[..(rows * InputSize)].CopyTo(_inputCopy);
            else _order.Gather(features, _inputCopy, steps, InputSize);
        }
        else if (tokens.Length < rows)
        {
            throw new ArgumentException($"tokens hold {tokens.Length}; [T={steps},B={batch}] needs {rows}", nameof(tokens));
        }
        else if (!_order.IsIdentity)
        {
            if (_tokenCopy.Length < rows) _tokenCopy = new int[rows];
            _order.Gather(tokens, _tokenCopy, steps);
            tokens = _tokenCopy.AsSpan(0, rows);
        }

        ReadOnlySpan<float> current = _inputCopy;
        var recurrentIndex = 0;
        for (var i = 0; i < _stages.Count; i++)
        {
            var stage = _stages[i];
            var inRows = stage.SequenceIn ? rows : batch;
            var outRows = stage.SequenceOut ? rows : batch;
            switch (stage.Layer)
            {
                case EmbeddingLayer e:
                    stage.Output = Grow(stage.Output, rows * e.Dimension);
                    e.Forward(parameters, tokens, stage.Output, rows);
                    break;
                case RecurrentBlock r:
                    var stateLength = r.StateLength(batch);
                    // A layer without return_sequences passes on only its final state: its step outputs are not written.
                    if (stage.SequenceOut) stage.Sequence = Grow(stage.Sequence, rows * r.OutputSize);
                    stage.FinalState = Grow(stage.FinalState, stateLength);
                    ReadOnlySpan<float> state0;
                    if (state is not null && _order.IsIdentity) state0 = state.Layers[recurrentIndex];
                    else if (state is not null)
                    {
                        _sortedState = Grow(_sortedState, stateLength);
                        _order.Gather(state.Layers[recurrentIndex], _sortedState, r.StateCount, r.HiddenSize);
                        state0 = _sortedState;
                    }
                    else
                    {
                        _zeroState = Grow(_zeroState, stateLength);
                        state0 = _zeroState;
                    }
                    r.Forward(parameters, current, state0, stage.SequenceOut ? stage.Sequence : [], stage.FinalState, steps, batch, _order.SortedLengths);
                    if (state is not null && _order.IsIdentity) stage.FinalState.AsSpan(0, stateLength).CopyTo(state.Layers[recurrentIndex]);
                    else if (state is not null) _order.Scatter(stage.FinalState, state.Layers[recurrentIndex], r.StateCount, r.HiddenSize);
                    recurrentIndex++;
                    if (stage.SequenceOut) stage.Output = stage.Sequence!;
                    else
                    {
                        // Each sample's last valid step: the final h of each direction (merged).
                        stage.Output = Grow(stage.LastStep, batch * r.OutputSize);
                        stage.LastStep = stage.Output;
                        r.LastOutput(stage.FinalState, stage.Output, batch);
                    }
                    break;
                case DropoutLayer dr:
                    stage.Output = Grow(stage.Output, inRows * stage.OutputSize);
                    dr.Forward(current[..(inRows * stage.OutputSize)], stage.Output.AsSpan(0, inRows * stage.OutputSize),
                        training, DeterministicRandom.Derive(dropoutSeed, 2, i));
                    break;
                case DenseLayer d:
                    stage.Output = Grow(stage.Output, outRows * d.OutputSize);
                    d.Forward(parameters, current, stage.Output, outRows);
                    break;
            }
            current = stage.Output;
        }
        var last = _stages[^1];
        var output = last.Output.AsSpan(0, (last.SequenceOut ? rows : batch) * last.OutputSize);
        if (_order.IsIdentity) return output;
        // Back into the caller's batch order.
        _callerOrderOutput = Grow(_callerOrderOutput, output.Length);
        _order.Scatter(output, _callerOrderOutput, last.SequenceOut ? steps : 1, last.OutputSize);
        return _callerOrderOutput.AsSpan(0, output.Length);
    }

    /// <summary>
    /// Backward through the last <see cref="Forward"/>: dOutput has the output's shape. Parameter gradients are
    /// added into <paramref name="gradients"/>. Carried state is truncated: no gradient flows into the previous
    /// window (TBPTT), and none is returned for the inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dOutput, Span<float> gradients)
    {
        int steps = _steps, batch = _batch, rows = steps * batch;
        var last = _stages[^1];
        last.Gradient = Grow(last.Gradient, dOutput.Length);
        if (_order.IsIdentity) dOutput.CopyTo(last.Gradient);
        else _order.Gather(dOutput, last.Gradient, last.SequenceOut ? steps : 1, last.OutputSize);
        for (var i = _stages.Count - 1; i >= 0; i--)
        {
            var stage = _stages[i];
            var below = i > 0 ? _stages[i - 1] : null;
            var inRows = stage.SequenceIn ? rows : batch;
            Span<float> dx = [];
            if (below is not null)
            {
                below.Gradient = Grow(below.Gradient, inRows * below.OutputSize);
                dx = below.Gradient.AsSpan(0, inRows * below.OutputSize);
            }
            switch (stage.Layer)
            {
                case EmbeddingLayer e:
                    e.Backward(stage.Gradient, gradients);
                    break;
                case RecurrentBlock r:
                    var stateLength = r.StateLength(batch);
                    ReadOnlySpan<float> dy = stage.Gradient;
                    _zeroState = Grow(_zeroState, stateLength);
                    ReadOnlySpan<float> dStateT = _zeroState;
                    if (!stage.SequenceOut)
                    {
                        // Only each sample's final h was used: its gradient goes on the final state, none on the outputs.
                        dy = [];
                        _dStateT = Grow(_dStateT, stateLength);
                        r.LastOutputGradient(stage.Gradient, stage.FinalState, _dStateT, batch);
                        dStateT = _dStateT;
                    }
                    // Truncated BPTT: the initial state's gradient has no use, nor has the first layer's input
                    // gradient (the inputs are data); neither is computed.
                    r.Backward(parameters, dy, dStateT, dx, [], gradients);
                    break;
                case DropoutLayer dr:
                    if (below is not null) dr.Backward(stage.Gradient, dx);
                    break;
                case DenseLayer d:
                    d.Backward(parameters, stage.Gradient, dx, gradients);
                    break;
            }
        }
    }

    private SequentialModel AddStage(object layer, int outputSize, bool sequenceOut)
    {
        _stages.Add(new Stage(layer, CurrentIsSequence(), sequenceOut, outputSize));
        return this;
    }

    private int CurrentSize() => _stages.Count == 0 ? InputSize : _stages[^1].OutputSize;

    private bool CurrentIsSequence() => _stages.Count == 0 || _stages[^1].SequenceOut;


    /// <summary>One layer and the buffers of its activations and gradients, reused across calls.</summary>
    private sealed class Stage(object layer, bool sequenceIn, bool sequenceOut, int outputSize)
    {
        public object Layer { get; } = layer;
        public bool SequenceIn { get; } = sequenceIn;
        public bool SequenceOut { get; } = sequenceOut;
        public int OutputSize { get; } = outputSize;
        public float[] Output { get; set; } = [];
        public float[] Gradient { get; set; } = [];
        public float[]? Sequence { get; set; }
        public float[]? LastStep { get; set; }
        public float[]? FinalState { get; set; }
    }
}
