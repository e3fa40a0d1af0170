namespace Rnn.Kernels.Optimizers;

/// <summary>The per-step float32 scalars of Adam, each rounded from double once (see <see cref="AdamHyperparameters"/>).</summary>
internal readonly record struct AdamStepCoefficients(
    float WeightDecay,
    float FirstMomentWeight,
    float OneMinusFirstMomentWeight,
    float Beta2,
    float SecondMomentGradientScale,
    float BiasCorrection2Sqrt,
    float Epsilon,
    float NegativeStepSize);
