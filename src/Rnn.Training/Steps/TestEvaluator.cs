using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Losses;
using Rnn.Training.Batches;

namespace Rnn.Training.Steps;

/// <summary>
/// Test-split metrics of a parameter vector: accuracy and mean loss for classification; bits per character for a
/// character model (test text read as streams with carried state, like training); RMSE in the data's own units for
/// forecasting, next to a seasonal-naive baseline (the value one season = 12 steps earlier when the window reaches
/// that far, else the last observed value).
/// </summary>
public sealed class TestEvaluator
{
    /// <summary>Seasonal period of the naive baseline: 12 (monthly data such as the CO2 series).</summary>
    public const int BaselineSeason = 12;

    private const int EvaluationBatch = 256;
    private readonly TrainingSetup _setup;
    private readonly SequentialModel _model;

    public TestEvaluator(TrainingSetup setup, CpuCompute compute)
    {
        _setup = setup;
        _model = setup.CreateModel(compute);
    }

    public EvaluationResult Evaluate(ReadOnlySpan<float> parameters) =>
        _setup.TokenInput ? EvaluateText(parameters) : EvaluateSamples(parameters, _setup.TestSamples!);

    private EvaluationResult EvaluateSamples(ReadOnlySpan<float> parameters, SampleSet samples)
    {
        var total = new ShardStepResult();
        double baselineSquares = 0;
        var batchSize = Math.Min(EvaluationBatch, samples.Count);
        var batch = new SequenceBatch(samples.Steps, batchSize, samples.Features, false, batchSize, samples.TargetsPerSample);
        var scratch = new float[batchSize * _model.OutputSize];
        for (var first = 0; first < samples.Count; first += batchSize)
        {
            var count = Math.Min(batchSize, samples.Count - first);
            var b = count == batchSize ? batch
                : new SequenceBatch(samples.Steps, count, samples.Features, false, count, samples.TargetsPerSample);
            for (var i = 0; i < count; i++) samples.CopySample(first + i, b, i);
            var output = _model.Forward(parameters, b.Features, default, samples.Steps, count, null, false, 0);
            total += LossHead.Apply(_setup.Loss, output, count, _model.OutputSize, b, scratch);
            if (_setup.Loss == LossKind.MeanSquaredError) baselineSquares += BaselineSquaredError(b, count, samples);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = total.LossSum / total.LossCount };
        if (_setup.Loss == LossKind.SparseCategoricalCrossEntropy)
        {
            metrics["accuracy"] = (double)total.Correct / total.Rows;
        }
        else
        {
            // Normalised errors scale back to the data's units by the training std.
            var std = _setup.Windows!.Std;
            metrics["rmse"] = Math.Sqrt(total.LossSum / total.LossCount) * std;
            metrics["baseline_rmse"] = Math.Sqrt(baselineSquares / total.LossCount) * std;
        }
        return new EvaluationResult(metrics);
    }

    /// <summary>Σ (ŷ - y)² of the seasonal-naive forecast over a batch, in normalised units.</summary>
    private static double BaselineSquaredError(SequenceBatch batch, int count, SampleSet samples)
    {
        int window = samples.Steps, horizon = samples.TargetsPerSample;
        double sum = 0;
        for (var b = 0; b < count; b++)
            for (var h = 0; h < horizon; h++)
            {
                var back = window + h - BaselineSeason;
                var t = BaselineSeason > h && back >= 0 ? back : window - 1;
                var forecast = batch.Features[t * batch.Batch + b];
                var error = forecast - batch.Targets[b * horizon + h];
                sum += (double)error * error;
            }
        return sum;
    }

    private EvaluationResult EvaluateText(ReadOnlySpan<float> parameters)
    {
        var tokens = _setup.TestTokens!;
        var window = _setup.Job.Data.Window!.Value;
        var streams = Math.Max(1, Math.Min(_setup.Job.Training.BatchSize, (tokens.Length - 1) / (window + 1)));
        var source = new StreamBatchSource(tokens, 0, 1, streams, window);
        var batch = source.CreateBatch();
        var state = _model.CreateState(streams);
        var scratch = new float[window * streams * _model.OutputSize];
        var total = new ShardStepResult();
        for (var step = 0; step < source.StepsPerEpoch; step++)
        {
            source.Fill(step, batch);
            var output = _model.Forward(parameters, default, batch.Tokens, window, streams, state, false, 0);
            total += LossHead.Apply(_setup.Loss, output, window * streams, _model.OutputSize, batch, scratch);
        }
        var loss = total.LossSum / total.LossCount;
        return new EvaluationResult(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = loss,
            ["bits_per_char"] = loss / Math.Log(2),
            ["accuracy"] = (double)total.Correct / total.Rows,
        });
    }
}
