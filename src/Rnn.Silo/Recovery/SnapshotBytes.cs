using Rnn.Contracts.Messages;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;

namespace Rnn.Silo.Recovery;

/// <summary>Converts between the kernels' checkpoint pieces (float arrays) and their wire form (byte[] per tensor).</summary>
public static class SnapshotBytes
{
    public static BlockSnapshot ToSnapshot(int block, long version, ReadOnlySpan<float> parameters, OptimizerState optimizer) =>
        new(block, version, TensorBytes.FromFloats(parameters), optimizer.Kind, optimizer.StepCount,
            optimizer.Buffers.ToDictionary(b => b.Key, b => TensorBytes.FromFloats(b.Value), StringComparer.Ordinal));

    public static OptimizerState OptimizerState(BlockSnapshot snapshot) =>
        new(snapshot.OptimizerKind, snapshot.OptimizerSteps,
            snapshot.OptimizerBuffers.ToDictionary(b => b.Key, b => Floats(b.Value), StringComparer.Ordinal));

    public static ShardSnapshot ToSnapshot(int shard, long nextStep, CarriedState? state) =>
        new(shard, nextStep, state is null ? [] : state.Layers.Select(l => TensorBytes.FromFloats(l)).ToArray(), state?.Batch ?? 0);

    /// <summary>The snapshot's carried state, or null when it holds none (independent samples, or a run's first step).</summary>
    public static CarriedState? CarriedState(ShardSnapshot snapshot) =>
        snapshot.CarriedLayers.Count == 0 ? null
            : new CarriedState(snapshot.CarriedLayers.Select(Floats).ToArray(), snapshot.Streams);

    public static float[] Floats(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var values = new float[bytes.Length / sizeof(float)];
        TensorBytes.ToFloats(bytes, values);
        return values;
    }
}
