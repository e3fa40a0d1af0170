namespace Rnn.Kernels.Ilgpu.Kernels;

/// <summary>The per-step float32 scalars of Adam, each rounded from double once (as in AdamOptimizer).</summary>
internal readonly record struct AdamCoefficients(
    float WeightDecay,
    float FirstMomentWeight,
    float OneMinusFirstMomentWeight,
    float Beta2,
    float SecondMomentGradientScale,
    float BiasCorrection2Sqrt,
    float Epsilon,
    float NegativeStepSize);
