using System.Runtime.CompilerServices;
using Rnn.Kernels.Models;
using Rnn.Kernels.Losses;

namespace Rnn.Kernels.Backends;

/// <summary>The CPU model executor: <see cref="SequentialModel"/> and <see cref="LossHead"/>, exactly as the trainer runs them.</summary>
public sealed class CpuModelExecutor(SequentialModel model) : IModelExecutor
{
    private float[] _dOutput = [];

    public SequentialModel Model { get; } = model;

    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state) =>
        Model.Forward(parameters, batch.Features, batch.Tokens, batch.Steps, batch.Batch, state, training: false, dropoutSeed: 0,
            batch.Lengths);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ShardStepResult ComputeGradient(ReadOnlySpan<float> parameters, SequenceBatch batch, CarriedState? state,
        LossKind loss, ulong dropoutSeed, Span<float> gradientSum)
    {
        var output = Model.Forward(parameters, batch.Features, batch.Tokens, batch.Steps, batch.Batch, state,
            training: true, dropoutSeed, batch.Lengths);
        var rows = Model.SequenceOutput ? batch.Steps * batch.Batch : batch.Batch;
        if (_dOutput.Length < output.Length) _dOutput = new float[output.Length];
        var dOutput = _dOutput.AsSpan(0, output.Length);
        var result = LossHead.Apply(loss, output, rows, Model.OutputSize, batch, dOutput);
        gradientSum.Clear();
        Model.Backward(parameters, dOutput, gradientSum);
        return result;
    }

    public void Dispose()
    {
    }
}
