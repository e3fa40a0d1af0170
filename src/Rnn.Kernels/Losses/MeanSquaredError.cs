using System.Runtime.CompilerServices;
namespace Rnn.Kernels.Losses;

/// <summary>
/// Squared error for regression (Keras' mean_squared_error, torch's MSELoss): returns the SUM of squared errors,
/// accumulated in double in index order; the caller divides by the element count N for the mean and passes 1/N as
/// gradScale.
/// </summary>
public static class MeanSquaredError
{
    /// <summary>Σ (p − t)², and dPredictions = 2 (p − t) · gradScale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets,
        Span<float> dPredictions, float gradScale)
    {
        LossArguments.CheckSameLength(predictions.Length, targets.Length, nameof(targets));
        LossArguments.CheckSameLength(predictions.Length, dPredictions.Length, nameof(dPredictions));
        var sum = 0.0;
        // e = p_i − t_i; Σ e²; d_i = 2e · gradScale
        for (var i = 0; i < predictions.Length; i++)
        {
            var error = (double)predictions[i] - targets[i];
            sum += error * error;
            dPredictions[i] = (float)(2.0 * error * gradScale);
        }
        return (float)sum;
    }

    /// <summary>Σ (p − t)²; no gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        LossArguments.CheckSameLength(predictions.Length, targets.Length, nameof(targets));
        var sum = 0.0;
        // Σ (p_i − t_i)²
        for (var i = 0; i < predictions.Length; i++)
        {
            var error = (double)predictions[i] - targets[i];
            sum += error * error;
        }
        return (float)sum;
    }
}
