using Rnn.Kernels.Compute;
using Rnn.Kernels.Models;
using Rnn.Kernels.Losses;
using Rnn.Training.Batches;

namespace Rnn.Training.Steps;

/// <summary>
/// Test-split metrics of a parameter vector: accuracy and mean loss for classification; bits per character for a
/// character model (test text read as streams with carried state, like training); RMSE in the data's own units for
/// forecasting, next to a seasonal-naive baseline (the value one season = 12 steps earlier when the window reaches
/// that far, else the last observed value; for a differenced series the same forecast, expressed as a change).
/// </summary>
public sealed class TestEvaluator
{
    /// <summary>Seasonal period of the naive baseline: 12 (monthly data such as the CO2 series).</summary>
    public const int BaselineSeason = 12;

    /// <summary>
    /// Samples per forward: the recurrent layers run 16-row pieces, so a larger batch is no faster, and its buffers are
    /// allocated at the first evaluation — 256 rows of seq-MNIST took ~40 MB there and set off a gen-2 GC inside a
    /// local run's second epoch (the steps after it 8–11 ms against 4.5).
    /// </summary>
    private const int EvaluationBatch = 64;
    private readonly TrainingSetup _setup;
    private readonly SequentialModel _model;
    private readonly int[]? _seriesBaseline;

    public TestEvaluator(TrainingSetup setup, CpuCompute compute)
    {
        _setup = setup;
        _model = setup.CreateModel(compute);
        _seriesBaseline = SeriesBaselineColumns(setup);
    }

    /// <summary>
    /// A series forecasting its own feature columns gets the seasonal-naive baseline too: for each target column, the
    /// index of the same column among the features; null when some target is not a feature (no past to repeat).
    /// </summary>
    private static int[]? SeriesBaselineColumns(TrainingSetup setup)
    {
        var data = setup.Job.Data;
        if (data.Kind != Jobs.DataKinds.Series || setup.Loss != LossKind.MeanSquaredError) return null;
        var columns = data.TargetColumns!.Select(c => data.FeatureColumns!.ToList().IndexOf(c)).ToArray();
        return columns.All(c => c >= 0) ? columns : null;
    }

    /// <summary>Test metrics; with a validation split its metrics too, named val_loss, val_accuracy, ….</summary>
    public EvaluationResult Evaluate(ReadOnlySpan<float> parameters)
    {
        var text = _setup.Job.Data.Kind == Jobs.DataKinds.Text;
        var test = text ? EvaluateText(parameters, _setup.TestTokens!) : EvaluateSamples(parameters, _setup.TestSamples!);
        EvaluationResult? validation = text
            ? _setup.ValidationTokens is { } tokens ? EvaluateText(parameters, tokens) : null
            : _setup.ValidationSamples is { } samples ? EvaluateSamples(parameters, samples) : null;
        if (validation is null) return test;
        var metrics = new Dictionary<string, double>(test.Metrics, StringComparer.Ordinal);
        foreach (var (name, value) in validation.Metrics) metrics[Jobs.EarlyStoppingMonitors.ValidationPrefix + name] = value;
        return new EvaluationResult(metrics);
    }

    private EvaluationResult EvaluateSamples(ReadOnlySpan<float> parameters, SampleSet samples)
    {
        var total = new ShardStepResult();
        double baselineSquares = 0;
        var batchSize = Math.Min(EvaluationBatch, samples.Count);
        var batch = samples.CreateBatch(batchSize);
        var rowsPerSample = samples.PerStep ? samples.Steps : 1;
        var scratch = new float[batchSize * rowsPerSample * _model.OutputSize];
        var targets = _setup.Sequences?.TargetNormalizer;
        double unitSquares = 0;
        for (var first = 0; first < samples.Count; first += batchSize)
        {
            var count = Math.Min(batchSize, samples.Count - first);
            var b = count == batchSize ? batch : samples.CreateBatch(count);
            for (var i = 0; i < count; i++) samples.CopySample(first + i, b, i);
            var output = _model.Forward(parameters, b.Features, b.Tokens, samples.Steps, count, null, false, 0, b.Lengths);
            total += LossHead.Apply(_setup.Loss, output, count * rowsPerSample, _model.OutputSize, b, scratch);
            if (_setup.Loss == LossKind.MeanSquaredError && _setup.Windows is not null) baselineSquares += BaselineSquaredError(b, count, samples);
            if (_setup.Loss == LossKind.MeanSquaredError && targets is not null) unitSquares += SquaredErrorInUnits(output, b, count, targets);
            if (_seriesBaseline is { } columns) baselineSquares += SeriesBaselineSquaredError(b, count, columns);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = total.LossSum / total.LossCount };
        if (_setup.Loss == LossKind.SparseCategoricalCrossEntropy)
        {
            metrics["accuracy"] = (double)total.Correct / total.Rows;
        }
        else
        {
            if (_setup.Windows is { } windows)
            {
                // Normalised errors scale back to the data's units by the training std.
                metrics["rmse"] = Math.Sqrt(total.LossSum / total.LossCount) * windows.Std;
                metrics["baseline_rmse"] = Math.Sqrt(baselineSquares / total.LossCount) * windows.Std;
            }
            else
            {
                // Sequence kinds: without normalisation the targets are in their own units already.
                metrics["rmse"] = Math.Sqrt((targets is null ? total.LossSum : unitSquares) / total.LossCount);
                if (_seriesBaseline is not null) metrics["baseline_rmse"] = Math.Sqrt(baselineSquares / total.LossCount);
            }
        }
        return new EvaluationResult(metrics);
    }

    /// <summary>Σ ((ŷ - y)·std)² over the valid target rows: the squared error in the data's units.</summary>
    private static double SquaredErrorInUnits(ReadOnlySpan<float> output, SequenceBatch batch, int count, Data.Sequences.FeatureNormalizer targets)
    {
        var k = batch.Targets.Length / batch.LossRows;
        var rows = batch.LossRows == batch.Batch ? count : batch.Steps * count;
        double sum = 0;
        for (var row = 0; row < rows; row++)
        {
            if (rows != count && batch.Lengths.Length > 0 && row / count >= batch.Lengths[row % count]) continue;
            for (var j = 0; j < k; j++)
            {
                var error = (output[row * k + j] - batch.Targets[row * k + j]) * targets.Std[j % targets.Width];
                sum += error * error;
            }
        }
        return sum;
    }

    /// <summary>Σ (ŷ - y)² of the seasonal-naive forecast of a wide series, in the data's units.</summary>
    private double SeriesBaselineSquaredError(SequenceBatch batch, int count, int[] featureOfTarget)
    {
        var sequences = _setup.Sequences!;
        int window = batch.Steps, targetColumns = featureOfTarget.Length, features = _setup.InputSize;
        var k = batch.Targets.Length / batch.Batch;
        var differenced = _setup.Job.Data.Difference == true;
        double sum = 0;
        for (var b = 0; b < count; b++)
            for (var j = 0; j < k; j++)
            {
                int h = j / targetColumns, c = j % targetColumns, f = featureOfTarget[c];
                var back = window + h - BaselineSeason;
                double Feature(int t)
                {
                    double v = batch.Features[(t * batch.Batch + b) * features + f];
                    return sequences.FeatureNormalizer is { } fn ? fn.Inverse(f, v) : v;
                }
                double forecast;
                if (differenced)
                {
                    // Steps hold changes, the target the change from the last row: the naive forecast's change is
                    // minus the changes after row `back` (row −1 is the one before the window); no season = no change.
                    forecast = 0;
                    if (BaselineSeason > h && back >= -1)
                        for (var t = back + 1; t < window; t++) forecast -= Feature(t);
                }
                else
                {
                    forecast = Feature(BaselineSeason > h && back >= 0 ? back : window - 1);
                }
                double actual = batch.Targets[b * k + j];
                if (sequences.TargetNormalizer is { } tn) actual = tn.Inverse(c, actual);
                sum += (forecast - actual) * (forecast - actual);
            }
        return sum;
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

    private EvaluationResult EvaluateText(ReadOnlySpan<float> parameters, int[] tokens)
    {
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
