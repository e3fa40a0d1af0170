namespace Rnn.Training.Jobs;

/// <summary>
/// The <c>optimizer</c> section. Adam settings (betas, epsilon) are ignored by sgd and sgd settings (momentum,
/// nesterov) by adam; the parser rejects a job file that sets the other optimizer's fields.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.OptimizerSpec")]
[Immutable]
public sealed record OptimizerSpec
{
    public const double DefaultBeta1 = 0.9;
    public const double DefaultBeta2 = 0.999;
    public const double DefaultEpsilon = 1e-8;

    /// <summary>One of <see cref="OptimizerTypes"/>.</summary>
    [Id(0)] public required string Type { get; init; }

    /// <summary>The base learning rate (before any schedule), > 0.</summary>
    [Id(1)] public required double Lr { get; init; }

    [Id(2)] public double Beta1 { get; init; } = DefaultBeta1;

    [Id(3)] public double Beta2 { get; init; } = DefaultBeta2;

    [Id(4)] public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>sgd: momentum factor in [0, 1).</summary>
    [Id(5)] public double Momentum { get; init; }

    /// <summary>sgd: Nesterov momentum (needs momentum > 0).</summary>
    [Id(6)] public bool Nesterov { get; init; }

    /// <summary>L2 penalty added to the gradient after clipping, as torch.optim.Adam/SGD do (not AdamW's decoupled form).</summary>
    [Id(7)] public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm (over all parameters) to this value; null = no clipping.</summary>
    [Id(8)] public double? ClipNorm { get; init; }

    /// <summary>Null = the constant base rate.</summary>
    [Id(9)] public ScheduleSpec? Schedule { get; init; }

    /// <summary>The learning rate of optimizer step <paramref name="step"/> (0-based) in a run of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(long step, long totalSteps) =>
        Schedule is null ? Lr : Schedule.LearningRateAt(Lr, step, totalSteps);
}
