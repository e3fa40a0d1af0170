using ILGPU;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Ilgpu.Layers;
using Rnn.Kernels.Ilgpu.Runtime;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Losses;
using Rnn.Kernels.Models;
using Rnn.Kernels.Ilgpu.Memory;

namespace Rnn.Kernels.Ilgpu.Executors;

/// <summary>
/// A <see cref="SequentialModel"/> of recurrent and dense layers on an ILGPU device. Per call the parameters and
/// the batch are uploaded once; activations stay on the device across layers and steps; the loss runs on the device
/// and only the output, the per-row loss terms and the gradient come back. The gradient equals the CPU's within
/// float rounding (not bit for bit). Embedding and dropout layers are not run here: such models use backend cpu.
/// Bidirectional layers (concat) and per-sample lengths run as on the CPU: the batch is sorted by length on the host
/// before the upload (labels and targets with it) and the output comes back in the caller's order.
/// </summary>
public sealed class IlgpuModelExecutor : IModelExecutor
{
    private readonly IlgpuDevice _device;
    private readonly IReadOnlyList<ModelStage> _stages;
    private readonly object[] _layers;
    private readonly DeviceBuffer<float>[] _states0, _statesT;
    private readonly DeviceBuffer<float> _parameters, _x, _gradients, _dOutput, _lossTerms, _targets, _sequenceGradient,
        _stateGradient, _stateScratch;
    private readonly DeviceBuffer<float>[] _stageGradients;
    private readonly DeviceBuffer<int> _labels, _identity, _rowMask;
    private readonly DeviceBuffer<float>[] _lastOutputs;
    private readonly PackedBatchOrder _order = new();
    private float[] _sortedFeatures = [], _sortedTargets = [], _sortedState = [];
    private int[] _sortedLabels = [], _identityHost = [], _rowMaskHost = [];
    private ArrayView<float> _parameterView, _outputView;
    private float[] _output = [], _terms = [];
    private int _steps, _batch;

    public IlgpuModelExecutor(IlgpuDevice device, SequentialModel model)
    {
        _device = device;
        Model = model;
        if (model.TokenInput) throw new NotSupportedException("the ILGPU backend does not run token (embedding) models yet; use backend cpu");
        _stages = model.Stages;
        if (_stages.Count == 0) throw new ArgumentException("the model has no layers", nameof(model));
        _layers = _stages.Select(s => s.Layer switch
        {
            RecurrentLayer r => (object)new IlgpuRecurrentBlock(device, r, s.ReverseLayer, s.Merge),
            DenseLayer d => new IlgpuDenseLayer(device, d),
            _ => throw new NotSupportedException($"the ILGPU backend does not run {s.Layer.GetType().Name} yet; use backend cpu"),
        }).ToArray();
        var a = device.Accelerator;
        _states0 = _stages.Select(_ => new DeviceBuffer<float>(a)).ToArray();
        _statesT = _stages.Select(_ => new DeviceBuffer<float>(a)).ToArray();
        _stageGradients = [new(a), new(a)];
        (_parameters, _x, _gradients, _dOutput, _lossTerms) = (new(a), new(a), new(a), new(a), new(a));
        (_targets, _sequenceGradient, _stateGradient, _stateScratch) = (new(a), new(a), new(a), new(a));
        _labels = new DeviceBuffer<int>(a);
        _identity = new DeviceBuffer<int>(a);
        _rowMask = new DeviceBuffer<int>(a);
        _lastOutputs = _stages.Select(_ => new DeviceBuffer<float>(a)).ToArray();
    }

    public SequentialModel Model { get; }

    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state)
    {
        _device.BindToCurrentThread();
        var length = RunForward(parameters, batch, state);
        if (_output.Length < 2 * length) _output = new float[2 * length];
        DeviceCopy.ToHost(_outputView, _output.AsSpan(0, length));
        if (_order.IsIdentity) return _output.AsSpan(0, length);
        // Back into the caller's order.
        _order.Scatter(_output.AsSpan(0, length), _output.AsSpan(length, length), Model.SequenceOutput ? _steps : 1, Model.OutputSize);
        return _output.AsSpan(length, length);
    }

    public ShardStepResult ComputeGradient(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state,
        LossKind loss, ulong dropoutSeed, Span<float> gradientSum)
    {
        _device.BindToCurrentThread();
        var length = RunForward(parameters, batch, state);
        int outputs = Model.OutputSize, rows = length / outputs;
        var dOutput = _dOutput.Ensure(length);
        var result = loss == LossKind.MeanSquaredError
            ? MeanSquaredError(batch, length, dOutput)
            : CrossEntropy(batch, rows, outputs, dOutput);
        Backward(dOutput, parameters.Length);
        DeviceCopy.ToHost(_gradients.Ensure(parameters.Length), gradientSum[..parameters.Length]);
        return result;
    }

    private int RunForward(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state)
    {
        if (parameters.Length != Model.Layout.TotalLength)
            throw new ArgumentException($"parameters hold {parameters.Length} floats; the model has {Model.Layout.TotalLength}", nameof(parameters));
        if (state is not null && state.Batch != batch.Batch)
            throw new ArgumentException($"carried state is for {state.Batch} streams but the batch has {batch.Batch}", nameof(state));
        if (state is not null && Model.IsBidirectional)
            throw new ArgumentException("a bidirectional layer cannot carry state from one window to the next (its reverse pass runs backward in time); drop 'bidirectional' or the carried state", nameof(state));
        (_steps, _batch) = (batch.Steps, batch.Batch);
        _order.Set(batch.Lengths, _steps, _batch);
        int rows = _steps * _batch, recurrent = 0;
        _parameterView = _parameters.Upload(parameters);
        var current = _x.Upload(Sorted(batch.Features.AsSpan(0, rows * Model.InputSize), _steps, Model.InputSize, ref _sortedFeatures));
        for (var i = 0; i < _stages.Count; i++)
        {
            var stage = _stages[i];
            if (_layers[i] is IlgpuRecurrentBlock r)
            {
                var d = r.ForwardLayer.Descriptor;
                int bh = _batch * d.HiddenSize, stateLength = r.Directions * d.StateCount * bh;
                var s0 = state is not null
                    ? _states0[i].Upload(Sorted(state.Layers[recurrent].AsSpan(0, stateLength), d.StateCount, d.HiddenSize, ref _sortedState))
                    : _states0[i].Ensure(stateLength);
                if (state is null) _device.Kernels.Zero(s0, stateLength);
                var sT = _statesT[i].Ensure(stateLength);
                r.Forward(_parameterView, current, Direction(r, s0, sT, 0), Direction(r, s0, sT, 1), _steps, _batch, _order.SortedLengths);
                if (state is not null)
                {
                    if (_order.IsIdentity) DeviceCopy.ToHost(sT, state.Layers[recurrent].AsSpan(0, stateLength));
                    else
                    {
                        DeviceCopy.ToHost(sT, _sortedState.AsSpan(0, stateLength));
                        _order.Scatter(_sortedState.AsSpan(0, stateLength), state.Layers[recurrent], d.StateCount, d.HiddenSize);
                    }
                }
                recurrent++;
                current = stage.SequenceOut ? r.Output : LastOutput(r, sT, _lastOutputs[i]);
            }
            else
            {
                var dense = (IlgpuDenseLayer)_layers[i];
                dense.Forward(_parameterView, current, stage.SequenceIn ? rows : _batch);
                current = dense.Output;
            }
        }
        _outputView = current;
        return (Model.SequenceOutput ? rows : _batch) * Model.OutputSize;
    }

    private ShardStepResult CrossEntropy(SequenceBatch batch, int rows, int classes, ArrayView<float> dOutput)
    {
        ReadOnlySpan<int> labels = batch.Labels.AsSpan(0, rows);
        if (!_order.IsIdentity)
        {
            if (_sortedLabels.Length < rows) _sortedLabels = new int[rows];
            _order.Gather(labels, _sortedLabels, rows / _batch);
            // A per-step output counts only at each sample's valid steps (as LossHead on the CPU).
            if (MasksSteps(rows))
                for (var row = 0; row < rows; row++)
                    if (!IsValidRow(row)) _sortedLabels[row] = SoftmaxCrossEntropy.IgnoreLabel;
            labels = _sortedLabels.AsSpan(0, rows);
        }
        for (var row = 0; row < rows; row++) LossArguments.IsCounted(labels[row], row, classes);
        var terms = _lossTerms.Ensure(rows);
        _device.Kernels.SoftmaxCrossEntropy(rows, _outputView, _labels.Upload(labels), dOutput, terms, classes);
        var sum = SumTerms(terms, rows);
        if (_output.Length < rows * classes) _output = new float[rows * classes];
        DeviceCopy.ToHost(_outputView, _output.AsSpan(0, rows * classes));
        var correct = Accuracy.CountCorrect(_output.AsSpan(0, rows * classes), rows, classes, labels);
        var counted = MasksSteps(rows) ? ValidRows(rows) : rows;
        return new ShardStepResult((float)sum, counted, correct, counted);
    }

    /// <summary>The output is per step and the samples have lengths: rows past a sample's length do not count.</summary>
    private bool MasksSteps(int rows) => !_order.IsIdentity && _steps > 1 && rows == _steps * _batch;

    /// <summary>Row t·B + i of the sorted batch is one of sample i's valid steps.</summary>
    private bool IsValidRow(int row) => row / _batch < _order.SortedLengths[row % _batch];

    private int ValidRows(int rows)
    {
        var count = 0;
        for (var row = 0; row < rows; row++) if (IsValidRow(row)) count++;
        return count;
    }

    private ShardStepResult MeanSquaredError(SequenceBatch batch, int length, ArrayView<float> dOutput)
    {
        var terms = _lossTerms.Ensure(length);
        var targets = Sorted(batch.Targets.AsSpan(0, length), length / (_batch * Model.OutputSize), Model.OutputSize, ref _sortedTargets);
        _device.Kernels.MeanSquaredError(length, _outputView, _targets.Upload(targets), dOutput, terms);
        var rows = length / Model.OutputSize;
        if (!MasksSteps(rows)) return new ShardStepResult((float)SumTerms(terms, length), length, 0, rows);
        // Rows past a sample's length: no loss, no gradient (zeroed in place through a row mask).
        if (_rowMaskHost.Length < rows) _rowMaskHost = new int[rows];
        for (var row = 0; row < rows; row++) _rowMaskHost[row] = IsValidRow(row) ? row : -1;
        var mask = _rowMask.Upload(_rowMaskHost.AsSpan(0, rows));
        _device.Kernels.CopyRows(rows, dOutput, dOutput, mask, Kernels.RowCopy.Rows(Model.OutputSize));
        _device.Kernels.CopyRows(rows, terms, terms, mask, Kernels.RowCopy.Rows(Model.OutputSize));
        var valid = ValidRows(rows);
        return new ShardStepResult((float)SumTerms(terms, length), valid * Model.OutputSize, 0, valid);
    }

    /// <summary>Σ terms in index order, in double (deterministic for any device).</summary>
    private double SumTerms(ArrayView<float> terms, int count)
    {
        if (_terms.Length < count) _terms = new float[count];
        DeviceCopy.ToHost(terms, _terms.AsSpan(0, count));
        var sum = 0.0;
        for (var i = 0; i < count; i++) sum += _terms[i];
        return sum;
    }

    private void Backward(ArrayView<float> dOutput, int parameterCount)
    {
        int rows = _steps * _batch;
        var gradients = _gradients.Ensure(parameterCount);
        _device.Kernels.Zero(gradients, parameterCount);
        var current = dOutput;
        for (var i = _stages.Count - 1; i >= 0; i--)
        {
            var stage = _stages[i];
            var inRows = stage.SequenceIn ? rows : _batch;
            var width = i > 0 ? _stages[i - 1].OutputSize : Model.InputSize;
            var dx = i > 0 ? _stageGradients[i % 2].Ensure((long)inRows * width) : default;
            if (_layers[i] is IlgpuRecurrentBlock r)
            {
                var d = r.ForwardLayer.Descriptor;
                int bh = _batch * d.HiddenSize, stateLength = r.Directions * d.StateCount * bh;
                var dy = current;
                // Truncated BPTT: no gradient arrives from the next window, and none is returned to the last.
                var dStateT = _stateGradient.Ensure(stateLength);
                _device.Kernels.Zero(dStateT, stateLength);
                if (!stage.SequenceOut)
                {
                    // Only each sample's final h was used: its gradient goes on the final states, dy is zero.
                    dy = _sequenceGradient.Ensure((long)rows * r.Directions * d.HiddenSize);
                    _device.Kernels.Zero(dy, rows * r.Directions * d.HiddenSize);
                    LastOutputGradient(r, current, dStateT);
                }
                var scratch = _stateScratch.Ensure(stateLength);
                r.Backward(_parameterView, dy, Direction(r, scratch, dStateT, 0), Direction(r, scratch, dStateT, 1), dx, gradients);
            }
            else
            {
                ((IlgpuDenseLayer)_layers[i]).Backward(_parameterView, current, dx, gradients);
            }
            current = dx;
        }
    }

    /// <summary>Direction d's (h, c) views in a block state [D, S, B, H] pair (initial, final).</summary>
    private DirectionStates Direction(IlgpuRecurrentBlock block, ArrayView<float> initial, ArrayView<float> final, int direction)
    {
        if (direction >= block.Directions) return default;
        var d = block.ForwardLayer.Descriptor;
        int bh = _batch * d.HiddenSize, at = direction * d.StateCount * bh;
        var two = d.StateCount == 2;
        return new DirectionStates(initial.SubView(at, bh), two ? initial.SubView(at + bh, bh) : default,
            final.SubView(at, bh), two ? final.SubView(at + bh, bh) : default);
    }

    /// <summary>Each direction's final h, [B, D·H] (the forward output at each sample's last step, the reverse at 0).</summary>
    private ArrayView<float> LastOutput(IlgpuRecurrentBlock block, ArrayView<float> finalStates, DeviceBuffer<float> buffer)
    {
        var d = block.ForwardLayer.Descriptor;
        var bh = _batch * d.HiddenSize;
        if (block.Directions == 1) return finalStates.SubView(0, bh);
        var output = buffer.Ensure(2L * bh);
        var hs = d.HiddenSize;
        _device.Kernels.CopyRows(_batch, finalStates, output, Identity(), new Kernels.RowCopy(hs, hs, 0, 2 * hs, 0, 0));
        _device.Kernels.CopyRows(_batch, finalStates.SubView((long)d.StateCount * bh, bh), output, Identity(), new Kernels.RowCopy(hs, hs, 0, 2 * hs, hs, 0));
        return output;
    }

    /// <summary>The gradient on <see cref="LastOutput"/> onto each direction's final h in dStateT [D, S, B, H].</summary>
    private void LastOutputGradient(IlgpuRecurrentBlock block, ArrayView<float> dOutput, ArrayView<float> dStateT)
    {
        var d = block.ForwardLayer.Descriptor;
        int bh = _batch * d.HiddenSize, hs = d.HiddenSize;
        if (block.Directions == 1)
        {
            _device.Kernels.Copy(dOutput, dStateT, bh);
            return;
        }
        _device.Kernels.CopyRows(_batch, dOutput, dStateT, Identity(), new Kernels.RowCopy(hs, 2 * hs, 0, hs, 0, 0));
        _device.Kernels.CopyRows(_batch, dOutput, dStateT.SubView((long)d.StateCount * bh, bh), Identity(), new Kernels.RowCopy(hs, 2 * hs, hs, hs, 0, 0));
    }

    /// <summary>The map r → r over the batch's rows.</summary>
    private ArrayView<int> Identity()
    {
        if (_identityHost.Length == _batch) return _identity.Ensure(_batch);
        _identityHost = Enumerable.Range(0, _batch).ToArray();
        return _identity.Upload(_identityHost);
    }

    /// <summary>A host tensor [blocks, B, width] in length order (itself when no lengths were given).</summary>
    private ReadOnlySpan<float> Sorted(ReadOnlySpan<float> original, int blocks, int width, ref float[] scratch)
    {
        if (_order.IsIdentity) return original;
        if (scratch.Length < original.Length) scratch = new float[original.Length];
        _order.Gather(original, scratch, blocks, width);
        return scratch.AsSpan(0, original.Length);
    }

    public void Dispose()
    {
        _device.BindToCurrentThread();
        foreach (var layer in _layers) ((IDisposable)layer).Dispose();
        foreach (var buffer in _states0.Concat(_statesT).Concat(_stageGradients).Concat(_lastOutputs)) buffer.Dispose();
        foreach (var buffer in new[] { _parameters, _x, _gradients, _dOutput, _lossTerms, _targets, _sequenceGradient, _stateGradient, _stateScratch })
            buffer.Dispose();
        _labels.Dispose();
        _identity.Dispose();
        _rowMask.Dispose();
    }
}
