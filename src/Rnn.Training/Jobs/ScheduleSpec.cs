namespace Rnn.Training.Jobs;

/// <summary>
/// <c>optimizer.schedule</c>: how the learning rate changes with the optimizer step. Steps count optimizer updates
/// from 0. A warm-up, if any, ramps linearly up to the base rate first; the schedule proper starts after it.
/// </summary>
[GenerateSerializer]
[Alias("Rnn.ScheduleSpec")]
[Immutable]
public sealed record ScheduleSpec
{
    /// <summary>One of <see cref="ScheduleTypes"/>.</summary>
    [Id(0)] public required string Type { get; init; }

    /// <summary>step: multiply the rate by <see cref="Gamma"/> every StepSize steps.</summary>
    [Id(1)] public int? StepSize { get; init; }

    /// <summary>step: the decay factor, in (0, 1].</summary>
    [Id(2)] public double? Gamma { get; init; }

    /// <summary>Steps of linear warm-up before the schedule; 0 = none.</summary>
    [Id(3)] public int WarmupSteps { get; init; }

    /// <summary>cosine: the rate reached at the last step, in [0, lr).</summary>
    [Id(4)] public double? MinLr { get; init; }

    /// <summary>
    /// The rate for optimizer step <paramref name="step"/> (0-based) of a run of <paramref name="totalSteps"/>.
    /// Kept here so that every trainer (sync, async, CPU, GPU) applies one definition.
    /// </summary>
    public double LearningRateAt(double baseLr, long step, long totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return baseLr * (step + 1) / WarmupSteps;

        var afterWarmup = step - WarmupSteps;
        return Type switch
        {
            ScheduleTypes.Constant => baseLr,
            ScheduleTypes.Step => baseLr * Math.Pow(Gamma!.Value, afterWarmup / StepSize!.Value),
            ScheduleTypes.Cosine => Cosine(baseLr, afterWarmup, totalSteps - WarmupSteps),
            _ => throw new InvalidOperationException($"Unknown schedule type '{Type}'."),
        };
    }

    private double Cosine(double baseLr, long afterWarmup, long decaySteps)
    {
        // The last step (decaySteps - 1) lands exactly on min_lr, as a user reading "decays to min_lr" expects.
        var progress = decaySteps <= 1 ? 1.0 : Math.Min(1.0, (double)afterWarmup / (decaySteps - 1));
        var minLr = MinLr!.Value;
        return minLr + (baseLr - minLr) * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
    }
}
