using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Training.Data;
using Rnn.Training.Jobs;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Losses;
using Rnn.Training.Batches;

namespace Rnn.Training.Steps;

/// <summary>
/// Everything a job's sections imply, made once: the data (train and test splits), how to build the model, the
/// loss, each shard's data source, the optimizer and the learning rate of every step. The single-process trainer and
/// the distributed grains both start from here, so the two cannot disagree about the math.
/// </summary>
public sealed class TrainingSetup
{
    private TrainingSetup(JobSpec job)
    {
        Job = job;
    }

    public JobSpec Job { get; private set; }

    public LossKind Loss { get; private set; }

    /// <summary>Features per step, or the vocabulary size for token input.</summary>
    public int InputSize { get; private set; }

    public bool TokenInput { get; private set; }

    public SampleSet? TrainSamples { get; private set; }

    public SampleSet? TestSamples { get; private set; }

    public int[]? TrainTokens { get; private set; }

    public int[]? TestTokens { get; private set; }

    public CharVocabulary? Vocabulary { get; private set; }

    public TimeSeriesWindows? Windows { get; private set; }

    public int Shards => Job.Training.Shards;

    public int ShardBatch => Job.Training.BatchSize / Job.Training.Shards;

    public int StepsPerEpoch { get; private set; }

    /// <summary>training.steps, or epochs × steps per epoch.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>Reads the job's data (relative paths resolve as JobSpec.ResolveDataPath says).</summary>
    public static TrainingSetup Load(JobSpec job, string? jobFileDirectory)
    {
        var setup = new TrainingSetup(job);
        var path = job.ResolveDataPath(jobFileDirectory);
        switch (job.Data.Kind)
        {
            case DataKinds.MnistRows:
                setup.Loss = LossKind.SparseCategoricalCrossEntropy;
                var train = SampleSetFactory.FromMnist(MnistIdxReader.ReadSplit(path, "train"));
                setup.TrainSamples = job.Data.Limit is { } limit ? train.Take(limit) : train;
                setup.TestSamples = SampleSetFactory.FromMnist(MnistIdxReader.ReadSplit(path, "test"));
                setup.InputSize = setup.TrainSamples.Features;
                break;
            case DataKinds.Text:
                setup.Loss = LossKind.SparseCategoricalCrossEntropy;
                var corpus = TextCorpus.Read(path, job.Data.TestFraction ?? DataSpec.DefaultTextTestFraction);
                setup.Vocabulary = corpus.Vocabulary;
                setup.TrainTokens = job.Data.Limit is { } chars && chars < corpus.TrainTokens.Length
                    ? corpus.TrainTokens[..chars] : corpus.TrainTokens;
                setup.TestTokens = corpus.TestTokens;
                setup.InputSize = corpus.Vocabulary.Size;
                setup.TokenInput = true;
                setup.Job = job.WithVocabularySize(corpus.Vocabulary.Size);
                break;
            case DataKinds.Csv:
                setup.Loss = LossKind.MeanSquaredError;
                var values = CsvTimeSeries.ReadColumn(path, job.Data.Column!);
                setup.Windows = TimeSeriesWindows.Create(values, job.Data.Window!.Value,
                    job.Data.Horizon ?? DataSpec.DefaultHorizon, job.Data.TestFraction ?? DataSpec.DefaultCsvTestFraction);
                var windows = SampleSetFactory.FromWindows(setup.Windows, test: false);
                setup.TrainSamples = job.Data.Limit is { } count ? windows.Take(count) : windows;
                setup.TestSamples = SampleSetFactory.FromWindows(setup.Windows, test: true);
                setup.InputSize = 1;
                break;
            default:
                throw new JobValidationException(job.Name, [new JobValidationError("data.kind", $"unknown data kind '{job.Data.Kind}'")]);
        }

        try
        {
            setup.StepsPerEpoch = setup.CreateShardSource(0).StepsPerEpoch;
        }
        catch (ArgumentException e)
        {
            throw new JobValidationException(job.Name, [new JobValidationError("training.batch_size", e.Message)]);
        }
        setup.TotalSteps = job.Training.Steps ?? (long)job.Training.Epochs!.Value * setup.StepsPerEpoch;
        return setup;
    }

    /// <summary>A fresh model (each shard and each evaluator owns one: models hold activation buffers).</summary>
    public SequentialModel CreateModel(CpuCompute compute) => BuildModel(Job, InputSize, TokenInput, compute);

    /// <summary>
    /// A job's model without its data: <paramref name="inputSize"/> is the features per step, or the vocabulary size
    /// for token input (e.g. from a saved model's metadata when generating).
    /// </summary>
    public static SequentialModel BuildModel(JobSpec job, int inputSize, bool tokenInput, CpuCompute compute)
    {
        var model = new SequentialModel(inputSize, tokenInput, compute);
        foreach (var layer in job.Model.Layers)
        {
            switch (layer.Type)
            {
                case LayerTypes.Embedding: model.AddEmbedding(layer.Units!.Value); break;
                case LayerTypes.SimpleRnn: model.AddRecurrent(RecurrentCell.SimpleRnn, layer.Units!.Value, layer.ReturnSequences); break;
                case LayerTypes.Lstm: model.AddRecurrent(RecurrentCell.Lstm, layer.Units!.Value, layer.ReturnSequences); break;
                case LayerTypes.Gru: model.AddRecurrent(RecurrentCell.Gru, layer.Units!.Value, layer.ReturnSequences); break;
                case LayerTypes.Dense: model.AddDense(layer.Units!.Value); break;
                case LayerTypes.Dropout: model.AddDropout((float)layer.Rate!.Value); break;
                default: throw new JobValidationException(job.Name, [new JobValidationError("model.layers", $"unknown layer type '{layer.Type}'")]);
            }
        }
        return model;
    }

    /// <summary>Shard k's data in its deterministic order.</summary>
    public ShardBatchSource CreateShardSource(int shard) => TokenInput
        ? new StreamBatchSource(TrainTokens!, shard, Shards, ShardBatch, Job.Data.Window!.Value)
        : new SampleBatchSource(TrainSamples!, shard, Shards, ShardBatch, Job.Seed);

    public ShardGradientComputer CreateShardComputer(int shard, CpuCompute compute) =>
        new(CreateModel(compute), CreateShardSource(shard), Loss, Job.Seed, shard);

    /// <summary>The same, with forward and backward run by the executor <paramref name="executor"/> makes for the model.</summary>
    public ShardGradientComputer CreateShardComputer(int shard, CpuCompute compute, Func<SequentialModel, IModelExecutor> executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        var model = CreateModel(compute);
        return new(model, CreateShardSource(shard), Loss, Job.Seed, shard, executor(model));
    }

    /// <summary>The optimizer for a block of <paramref name="length"/> parameters.</summary>
    public IOptimizer CreateOptimizer(int length)
    {
        var o = Job.Optimizer;
        return o.Type == OptimizerTypes.Sgd
            ? new SgdOptimizer(length, (float)o.Momentum, o.Nesterov, (float)o.WeightDecay)
            : new AdamOptimizer(length, (float)o.Beta1, (float)o.Beta2, (float)o.Epsilon, (float)o.WeightDecay);
    }

    public float LearningRate(long step) => (float)Job.Optimizer.LearningRateAt(step, TotalSteps);

    /// <summary>training.clip_norm, or +∞ when the job does not clip.</summary>
    public float ClipNorm => Job.Optimizer.ClipNorm is { } c ? (float)c : float.PositiveInfinity;
}
