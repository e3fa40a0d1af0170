using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Tensors;

namespace Rnn.Kernels.Tests.Optimizers;

/// <summary>Deterministic parameters and gradient sequences for the optimizer tests.</summary>
internal static class OptimizerTestData
{
    /// <summary>Uniform floats in [-scale, scale).</summary>
    public static float[] Uniform(int length, ulong seed, float scale = 1f)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[length];
        for (var i = 0; i < values.Length; i++) values[i] = (random.NextFloat() * 2f - 1f) * scale;
        return values;
    }

    /// <summary>Gradients for step s (0-based), different every step.</summary>
    public static float[] GradientsForStep(int length, int step) => Uniform(length, 1000 + (ulong)step, 0.5f);

    /// <summary>Runs <paramref name="steps"/> steps over [offset, offset + optimizer.Length) of the full vectors.</summary>
    public static void RunBlock(IOptimizer optimizer, float[] parameters, int offset, int fromStep, int steps, float learningRate)
    {
        for (var s = fromStep; s < fromStep + steps; s++)
        {
            var gradients = GradientsForStep(parameters.Length, s);
            optimizer.Step(parameters.AsSpan(offset, optimizer.Length), gradients.AsSpan(offset, optimizer.Length), learningRate);
        }
    }

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
