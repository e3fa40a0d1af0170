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
    private readonly DeviceBuffer<int> _labels;
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
            RecurrentLayer r => (object)IlgpuRecurrentLayer.Create(device, r),
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
    }

    public SequentialModel Model { get; }

    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state)
    {
        _device.BindToCurrentThread();
        var length = RunForward(parameters, batch, state);
        if (_output.Length < length) _output = new float[length];
        DeviceCopy.ToHost(_outputView, _output.AsSpan(0, length));
        return _output.AsSpan(0, length);
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
        (_steps, _batch) = (batch.Steps, batch.Batch);
        int rows = _steps * _batch, recurrent = 0;
        _parameterView = _parameters.Upload(parameters);
        var current = _x.Upload(batch.Features.AsSpan(0, rows * Model.InputSize));
        for (var i = 0; i < _stages.Count; i++)
        {
            var stage = _stages[i];
            if (_layers[i] is IlgpuRecurrentLayer r)
            {
                var d = r.Descriptor;
                int bh = _batch * d.HiddenSize, stateLength = d.StateCount * bh;
                var s0 = state is not null ? _states0[i].Upload(state.Layers[recurrent].AsSpan(0, stateLength)) : _states0[i].Ensure(stateLength);
                if (state is null) _device.Kernels.Zero(s0, stateLength);
                var sT = _statesT[i].Ensure(stateLength);
                r.Forward(_parameterView, current, s0.SubView(0, bh), d.StateCount == 2 ? s0.SubView(bh, bh) : default,
                    sT.SubView(0, bh), d.StateCount == 2 ? sT.SubView(bh, bh) : default, _steps, _batch);
                if (state is not null) DeviceCopy.ToHost(sT, state.Layers[recurrent].AsSpan(0, stateLength));
                recurrent++;
                current = stage.SequenceOut ? r.Output : r.Output.SubView((long)(_steps - 1) * bh, bh);
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
        var labels = batch.Labels.AsSpan(0, rows);
        for (var row = 0; row < rows; row++) LossArguments.IsCounted(labels[row], row, classes);
        var terms = _lossTerms.Ensure(rows);
        _device.Kernels.SoftmaxCrossEntropy(rows, _outputView, _labels.Upload(labels), dOutput, terms, classes);
        var sum = SumTerms(terms, rows);
        if (_output.Length < rows * classes) _output = new float[rows * classes];
        DeviceCopy.ToHost(_outputView, _output.AsSpan(0, rows * classes));
        var correct = Accuracy.CountCorrect(_output.AsSpan(0, rows * classes), rows, classes, labels);
        return new ShardStepResult((float)sum, rows, correct, rows);
    }

    private ShardStepResult MeanSquaredError(SequenceBatch batch, int length, ArrayView<float> dOutput)
    {
        var terms = _lossTerms.Ensure(length);
        _device.Kernels.MeanSquaredError(length, _outputView, _targets.Upload(batch.Targets.AsSpan(0, length)), dOutput, terms);
        return new ShardStepResult((float)SumTerms(terms, length), length, 0, length / Model.OutputSize);
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
            if (_layers[i] is IlgpuRecurrentLayer r)
            {
                int bh = _batch * r.Descriptor.HiddenSize, stateLength = r.Descriptor.StateCount * bh;
                var dy = current;
                if (!stage.SequenceOut)
                {
                    // Only the last step's output was used: dy is zero except at t = T-1.
                    dy = _sequenceGradient.Ensure((long)rows * r.Descriptor.HiddenSize);
                    _device.Kernels.Zero(dy, (_steps - 1) * bh);
                    _device.Kernels.Copy(current, dy.SubView((long)(_steps - 1) * bh, bh), bh);
                }
                // Truncated BPTT: no gradient arrives from the next window, and none is returned to the last.
                var dStateT = _stateGradient.Ensure(stateLength);
                _device.Kernels.Zero(dStateT, stateLength);
                var scratch = _stateScratch.Ensure(stateLength);
                var two = r.Descriptor.StateCount == 2;
                r.Backward(_parameterView, dy, dStateT.SubView(0, bh), two ? dStateT.SubView(bh, bh) : default, dx,
                    scratch.SubView(0, bh), two ? scratch.SubView(bh, bh) : default, gradients);
            }
            else
            {
                ((IlgpuDenseLayer)_layers[i]).Backward(_parameterView, current, dx, gradients);
            }
            current = dx;
        }
    }

    public void Dispose()
    {
        _device.BindToCurrentThread();
        foreach (var layer in _layers) ((IDisposable)layer).Dispose();
        foreach (var buffer in _states0.Concat(_statesT).Concat(_stageGradients)) buffer.Dispose();
        foreach (var buffer in new[] { _parameters, _x, _gradients, _dOutput, _lossTerms, _targets, _sequenceGradient, _stateGradient, _stateScratch })
            buffer.Dispose();
        _labels.Dispose();
    }
}
