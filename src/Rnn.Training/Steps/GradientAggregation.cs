using System.Runtime.CompilerServices;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Tensors;

namespace Rnn.Training.Steps;

/// <summary>
/// The arithmetic of one synchronous step on one parameter block, in the order that makes results independent of
/// where the pieces run: shard gradients summed in shard order 0..S-1, divided by the global loss count, squared
/// norms summed over blocks in block order, one clip scale, then the optimizer. The parameter-server grains and the
/// single-process trainer both call exactly these functions.
/// </summary>
public static class GradientAggregation
{
    /// <summary>sum += g (call for shards 0..S-1 in order, after clearing sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddShard(Span<float> sum, ReadOnlySpan<float> shardGradient)
    {
        // sum_i += g_i
        ElementwiseSum.AddInto(shardGradient, sum);
    }

    /// <summary>g ← g / count: the mean over the global batch's loss elements.</summary>
    public static void Normalize(Span<float> gradient, int lossCount) => GradientClipping.Scale(gradient, 1f / lossCount);

    /// <summary>‖g‖ from the per-block squared norms, summed in block order.</summary>
    public static double GlobalNorm(ReadOnlySpan<double> blockNormsSquared)
    {
        double total = 0;
        foreach (var n in blockNormsSquared) total += n;
        return Math.Sqrt(total);
    }

    /// <summary>The factor every block's gradient is multiplied by (1 when the job does not clip or the norm is small).</summary>
    public static float ClipScale(double globalNorm, float clipNorm) =>
        Clips(clipNorm) ? Math.Min(1f, GradientClipping.ClipScale(globalNorm, clipNorm)) : 1f;

    /// <summary>Whether a job with this clip norm (+∞: training.clip_norm not set) scales its gradient by the norm at all.</summary>
    public static bool Clips(float clipNorm) => !float.IsPositiveInfinity(clipNorm);

    /// <summary>Clip then take the optimizer step on one block.</summary>
    public static void Apply(IOptimizer optimizer, Span<float> parameters, Span<float> gradient, float clipScale, double learningRate)
    {
        if (clipScale < 1f) GradientClipping.Scale(gradient, clipScale);
        optimizer.Step(parameters, gradient, learningRate);
    }

    /// <summary>
    /// <see cref="Apply"/> on the range of one block that starts at <paramref name="offset"/>, for the step begun with
    /// <see cref="IRangeOptimizer.BeginStep"/>: ranges covering the block give Apply's bits.
    /// </summary>
    public static void ApplyRange(IRangeOptimizer optimizer, Span<float> parameters, Span<float> gradient, int offset, float clipScale)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (clipScale < 1f) GradientClipping.Scale(gradient, clipScale);
        optimizer.UpdateRange(parameters, gradient, offset);
    }
}
