using System.Diagnostics;
using Rnn.Kernels.Losses;
using Rnn.Client.Progress;

namespace Rnn.Client.Training;

/// <summary>
/// Throughput, ETA and per-epoch running means. Step losses are noisy; the epoch mean is what a Keras user reads,
/// so the displays show that and --json carries both. Time spent evaluating on the test split is left out of
/// samples/s and of the per-step time the ETA extrapolates, so an evaluation does not make training look slower.
/// </summary>
internal sealed class ProgressTracker(long startStep, long totalSteps)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _epoch = -1;
    private double _lossSum;
    private long _lossSteps;
    private double _correct;
    private long _accuracySamples;
    private TimeSpan _evaluationTime;

    public long SamplesSeen { get; private set; }

    public long SkippedSteps { get; private set; }

    public double? LastLoss { get; private set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Wall time spent in training steps (not in evaluations).</summary>
    public TimeSpan TrainingTime => _clock.Elapsed - _evaluationTime;

    public void AddEvaluationTime(TimeSpan time) => _evaluationTime += time;

    public ProgressSnapshot Add(TrainingStepReport step)
    {
        if (step.Epoch != _epoch)
        {
            _epoch = step.Epoch;
            _lossSum = 0;
            _lossSteps = 0;
            _correct = 0;
            _accuracySamples = 0;
        }

        SamplesSeen += step.Samples;
        if (step.Skipped)
        {
            SkippedSteps++;
        }
        else
        {
            LastLoss = step.Loss;
            _lossSum += step.Loss;
            _lossSteps++;
            if (step.Accuracy is { } accuracy)
            {
                _correct += accuracy * step.Samples;
                _accuracySamples += step.Samples;
            }
        }

        var elapsed = _clock.Elapsed;
        var done = step.Step - startStep;
        var seconds = (elapsed - _evaluationTime).TotalSeconds;
        TimeSpan? remaining = done > 0 ? TimeSpan.FromSeconds(seconds / done * Math.Max(0, totalSteps - step.Step)) : null;
        return new ProgressSnapshot(
            elapsed,
            seconds > 0 ? SamplesSeen / seconds : 0,
            remaining,
            _lossSteps > 0 ? _lossSum / _lossSteps : null,
            _accuracySamples > 0 ? _correct / _accuracySamples : null);
    }
}
