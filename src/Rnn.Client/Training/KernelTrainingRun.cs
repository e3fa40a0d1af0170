using Rnn.Kernels.Tensors;
using Rnn.Kernels.Training;

namespace Rnn.Client.Training;

/// <summary>
/// A run on the kernels' single-process <see cref="Trainer"/>, writing the same run folder as
/// <see cref="TrainingRun.Execute"/> (model.safetensors, metrics.csv, summary.json) with the kernels' own writers.
/// The CLI drives the steps itself so it can show progress and, on Ctrl+C, still save the steps done.
/// </summary>
internal sealed class KernelTrainingRun : ITrainingRun
{
    public const string ModelFileName = "model.safetensors";
    public const string MetricsFileName = "metrics.csv";
    public const string SummaryFileName = "summary.json";

    private readonly TrainingSetup _setup;
    private readonly Trainer _trainer;
    private readonly MetricsCsvWriter _metrics;
    private readonly string _directory;
    private double _lastAppliedLoss = double.NaN;
    private int _skippedSteps;
    private EvaluationReport? _lastEvaluation;

    public KernelTrainingRun(TrainingSetup setup, int threads, string outputDirectory)
    {
        _setup = setup;
        _directory = outputDirectory;
        _trainer = new Trainer(setup, threads);
        try
        {
            Directory.CreateDirectory(outputDirectory);
            _metrics = new MetricsCsvWriter(Path.Combine(outputDirectory, MetricsFileName));
        }
        catch
        {
            _trainer.Dispose();
            throw;
        }
    }

    public long Step => _trainer.Step;

    public long TotalSteps => _trainer.TotalSteps;

    public int StepsPerEpoch => _setup.StepsPerEpoch;

    public bool IsEpochEnd => _trainer.IsEpochEnd;

    public TrainingStepReport RunStep()
    {
        var m = _trainer.RunStep();
        _metrics.Append(m);
        if (m.SkipReason is null) _lastAppliedLoss = m.Loss;
        else _skippedSteps++;
        // The kernel counts the step index and epoch from 0; the CLI shows steps done and 1-based epochs.
        return new TrainingStepReport(m.Step + 1, m.Epoch + 1, m.Loss, m.Accuracy, m.GradNorm, m.LearningRate, m.Seconds,
            m.Samples, m.SkipReason);
    }

    public EvaluationReport Evaluate()
    {
        _lastEvaluation = new EvaluationReport(_trainer.Step, _trainer.Evaluate().Metrics);
        return _lastEvaluation;
    }

    public IReadOnlyList<string> WriteOutputs(TrainingOutcome outcome)
    {
        var model = Path.Combine(_directory, ModelFileName);
        var summaryPath = Path.Combine(_directory, SummaryFileName);
        // Test metrics of exactly the saved parameters, or none: after Ctrl+C a full test-split pass could take
        // longer than the user is willing to wait, so an interrupted run is not evaluated again here.
        IReadOnlyDictionary<string, double> test = _lastEvaluation is { } last && last.Step == _trainer.Step
            ? last.Metrics
            : outcome.Interrupted ? new Dictionary<string, double>() : _trainer.Evaluate().Metrics;
        ModelFile.Write(model, _setup, _trainer.Layout, _trainer.Parameters, _trainer.Step);
        var summary = new RunSummary(_setup.Job.Name, _trainer.Step, (double)_trainer.Step / _setup.StepsPerEpoch,
            outcome.Seconds, outcome.SamplesPerSecond, _lastAppliedLoss, test,
            ParameterHash.Sha256(_trainer.Layout, _trainer.Parameters), _trainer.Layout.TotalLength, _setup.Shards,
            _skippedSteps);
        summary.Write(summaryPath);
        return [model, Path.Combine(_directory, MetricsFileName), summaryPath];
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _trainer.Dispose();
    }
}
