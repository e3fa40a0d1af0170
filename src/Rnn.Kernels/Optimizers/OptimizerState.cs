namespace Rnn.Kernels.Optimizers;

/// <summary>
/// An optimizer's checkpointable state: its kind, the step count and named float32 buffers, each as long as the
/// optimizer's range (PyTorch's names: "exp_avg", "exp_avg_sq", "momentum_buffer").
/// </summary>
public sealed record OptimizerState(string Kind, long StepCount, IReadOnlyDictionary<string, float[]> Buffers)
{
    /// <summary>The buffer called <paramref name="name"/>, checked to hold exactly <paramref name="length"/> floats.</summary>
    public float[] RequireBuffer(string name, int length)
    {
        if (!Buffers.TryGetValue(name, out var buffer))
            throw new ArgumentException(
                $"{Kind} optimizer state has no buffer '{name}' (has: {string.Join(", ", Buffers.Keys)})", nameof(name));
        if (buffer.Length != length)
            throw new ArgumentException(
                $"{Kind} optimizer state buffer '{name}' holds {buffer.Length} floats but the optimizer covers {length}",
                nameof(length));
        return buffer;
    }

    internal void RequireKind(string expectedKind)
    {
        if (!string.Equals(Kind, expectedKind, StringComparison.Ordinal))
            throw new ArgumentException($"cannot import '{Kind}' optimizer state into a '{expectedKind}' optimizer");
        if (StepCount < 0)
            throw new ArgumentException($"{Kind} optimizer state has a negative step count {StepCount}");
    }
}
