using System.Collections.Concurrent;
using Rnn.Kernels.Backends;
using Rnn.Kernels.Compute;
using Rnn.Training.Data;
using Rnn.Training.Data.Loading;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Jobs;
using Rnn.Kernels.Models;
using Rnn.Kernels.Optimizers;
using Rnn.Kernels.Layers;
using Rnn.Kernels.Losses;
using Rnn.Training.Batches;
using Rnn.Training.Resolution;

namespace Rnn.Training.Steps;

/// <summary>
/// Everything a resolved job implies, made once where a job trains: the data (train and test splits), how to build
/// the model, the loss, each shard's data source, the optimizer and the learning rate of every step. The
/// single-process trainer and the distributed grains both start from here, so the two cannot disagree about the math.
/// The sequence kinds read nothing up front: shard k's partition is read when that shard's source is first made
/// (<see cref="Partition"/>), and the validation and test splits when evaluation first asks for them, so a silo holds
/// only the partitions of the shards it hosts (and the held-out splits where the job is evaluated).
/// </summary>
public sealed class TrainingSetup
{
    private TrainingSetup(ResolvedJob resolved)
    {
        Resolved = resolved;
    }

    public ResolvedJob Resolved { get; }

    /// <summary>The resolved job's spec (absolute data path, vocabulary units filled in).</summary>
    public JobSpec Job => Resolved.Spec;

    public LossKind Loss => Resolved.Loss;

    /// <summary>Features per step, or the vocabulary size for token input.</summary>
    public int InputSize => Resolved.InputSize;

    public bool TokenInput => Resolved.TokenInput;

    private SampleSet? _trainSamples;
    private SampleSet? _testSamples;
    private SampleSet? _validationSamples;
    private Lazy<SampleSet>? _wholeTraining;
    private Lazy<(SampleSet? Validation, SampleSet? Test)>? _heldOut;
    private readonly ConcurrentDictionary<int, Lazy<SampleSet>> _partitions = new();

    /// <summary>
    /// The training samples. The sequence kinds read the whole training split here, on first use (tools and tests):
    /// training reads only each shard's <see cref="Partition"/>.
    /// </summary>
    public SampleSet? TrainSamples => _wholeTraining?.Value ?? _trainSamples;

    /// <summary>The test split (the sequence kinds read it on first use, where the job is evaluated).</summary>
    public SampleSet? TestSamples => _heldOut?.Value.Test ?? _testSamples;

    /// <summary>
    /// The validation split of a job that holds one out (data.validation_fraction or validation_path); null for text.
    /// The sequence kinds read it with the test split, on first use.
    /// </summary>
    public SampleSet? ValidationSamples => _heldOut is { } heldOut ? heldOut.Value.Validation : _validationSamples;

    /// <summary>True once the held-out splits of a sequence kind have been read (false for the fixed kinds).</summary>
    public bool HeldOutRead => _heldOut?.IsValueCreated == true;

    /// <summary>The shards whose partitions this setup has read (the sequence kinds).</summary>
    public IReadOnlyList<int> PartitionsRead => _partitions.Where(p => p.Value.IsValueCreated).Select(p => p.Key).Order().ToArray();

    /// <summary>True once shard <paramref name="shard"/>'s partition has been read here.</summary>
    public bool HasReadPartition(int shard) => _partitions.TryGetValue(shard, out var partition) && partition.IsValueCreated;

    /// <summary>The sequence kinds' facts, fixed at resolution (no sequences): class names, vocabulary and normalisers to save with the model.</summary>
    public LoadedSequences? Sequences { get; private set; }

    public int[]? TrainTokens { get; private set; }

    public int[]? TestTokens { get; private set; }

    /// <summary>Text: the validation characters (between training and test), when the job holds them out.</summary>
    public int[]? ValidationTokens { get; private set; }

    /// <summary>True when the job holds a validation split out (so evaluations report val_ metrics).</summary>
    public bool HasValidation => Resolved.DataFacts is { } facts
        ? facts.ValidationItems > 0 // known without reading the held-out data
        : ValidationSamples is not null || ValidationTokens is not null;

    public CharVocabulary? Vocabulary { get; private set; }

    public TimeSeriesWindows? Windows { get; private set; }

    public int Shards => Resolved.Shards;

    public int ShardBatch => Resolved.ShardBatch;

    public int StepsPerEpoch => Resolved.StepsPerEpoch;

    /// <summary>training.steps, or epochs × steps per epoch.</summary>
    public long TotalSteps => Resolved.TotalSteps;

    /// <summary>Resolves the job (relative paths as JobSpec.ResolveDataPath says) and reads its data.</summary>
    public static TrainingSetup Load(JobSpec job, string? jobFileDirectory) => Load(JobResolver.Resolve(job, jobFileDirectory));

    /// <summary>Reads the resolved job's data; throws InvalidDataException when it no longer has the resolved shape.</summary>
    public static TrainingSetup Load(ResolvedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var setup = new TrainingSetup(job);
        var data = job.Spec.Data;
        int items, inputSize;
        switch (data.Kind)
        {
            case DataKinds.MnistRows:
                var train = SampleSetFactory.FromMnist(MnistIdxReader.ReadSplit(job.DataPath, "train"));
                var images = data.Limit is { } limit ? train.Take(limit) : train;
                var heldOut = DataShapeProbe.MnistValidationCount(images.Count, data.ValidationFraction);
                setup._trainSamples = heldOut == 0 ? images : images.Take(images.Count - heldOut);
                if (heldOut > 0) setup._validationSamples = images.Select(Enumerable.Range(images.Count - heldOut, heldOut).ToArray());
                setup._testSamples = SampleSetFactory.FromMnist(MnistIdxReader.ReadSplit(job.DataPath, "test"));
                (items, inputSize) = (setup._trainSamples.Count, setup._trainSamples.Features);
                break;
            case DataKinds.Text:
                var corpus = TextCorpus.Read(job.DataPath, data.TestFraction ?? DataSpec.DefaultTextTestFraction, data.ValidationFraction ?? 0);
                setup.Vocabulary = corpus.Vocabulary;
                setup.TrainTokens = data.Limit is { } chars && chars < corpus.TrainTokens.Length
                    ? corpus.TrainTokens[..chars] : corpus.TrainTokens;
                setup.TestTokens = corpus.TestTokens;
                if (corpus.ValidationTokens.Length > 0) setup.ValidationTokens = corpus.ValidationTokens;
                (items, inputSize) = (setup.TrainTokens.Length, corpus.Vocabulary.Size);
                break;
            case DataKinds.Csv:
                var values = CsvTimeSeries.ReadColumn(job.DataPath, data.Column!);
                setup.Windows = TimeSeriesWindows.Create(values, data.Window!.Value,
                    data.Horizon ?? DataSpec.DefaultHorizon, data.TestFraction ?? DataSpec.DefaultCsvTestFraction, data.ValidationFraction ?? 0);
                var windows = SampleSetFactory.FromWindows(setup.Windows, test: false);
                setup._trainSamples = data.Limit is { } count ? windows.Take(count) : windows;
                setup._testSamples = SampleSetFactory.FromWindows(setup.Windows, test: true);
                if (setup.Windows.ValidationCount > 0) setup._validationSamples = SampleSetFactory.FromValidationWindows(setup.Windows);
                (items, inputSize) = (setup._trainSamples.Count, 1);
                break;
            case DataKinds.Numpy or DataKinds.Table or DataKinds.Series or DataKinds.TextColumn:
                // Nothing is read here: each part is read where it is needed and checked against the resolved facts.
                var facts = setup.Sequences = OwnedSequenceLoader.Facts(job);
                SampleSet Samples(SequenceDataset set) => SampleSetFactory.FromSequences(set, facts.Steps, facts.VariableLength);
                // PublicationOnly: a failed read is not remembered, the next caller reads again.
                setup._wholeTraining = new Lazy<SampleSet>(() => Samples(OwnedSequenceLoader.ReadTraining(job)),
                    LazyThreadSafetyMode.PublicationOnly);
                setup._heldOut = new Lazy<(SampleSet?, SampleSet?)>(() =>
                {
                    var (validation, test) = OwnedSequenceLoader.ReadHeldOut(job);
                    return (validation is null ? null : Samples(validation), test is null ? null : Samples(test));
                }, LazyThreadSafetyMode.PublicationOnly);
                return setup;
            default:
                throw new InvalidDataException($"job '{job.Name}': unknown data kind '{data.Kind}'");
        }

        // The file was read once at resolution and again here (on each silo): a file changed in between would give a
        // different model or epoch on different silos, so it fails the job instead.
        if (items != job.TrainingItems || inputSize != job.InputSize)
            throw new InvalidDataException(
                $"{job.DataPath} changed after job '{job.Name}' was submitted: it now gives {items} training items of " +
                $"width {inputSize}, the job was resolved with {job.TrainingItems} of width {job.InputSize}; submit the job again");
        return setup;
    }

    /// <summary>A fresh model (each shard and each evaluator owns one: models hold activation buffers).</summary>
    public SequentialModel CreateModel(CpuCompute compute) => BuildModel(Resolved.Layers, InputSize, TokenInput, compute);

    /// <summary>
    /// A model from resolved layers without data: <paramref name="inputSize"/> is the features per step, or the
    /// vocabulary size for token input (e.g. from a saved model's metadata when generating).
    /// </summary>
    public static SequentialModel BuildModel(IReadOnlyList<ResolvedLayer> layers, int inputSize, bool tokenInput, CpuCompute compute) =>
        ModelBuilder.Build(layers, inputSize, tokenInput, compute);

    /// <summary>
    /// The parameters a run starts from: the seeded initialisation, or with <c>init_from</c> the weights of that model
    /// file (checked against the hash taken at submission; see <see cref="InitWeights"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The init_from file changed after the job was submitted.</exception>
    public float[] InitialParameters(SequentialModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = new float[model.Layout.TotalLength];
        if (Job.InitFrom is null) model.Initialize(parameters, Job.Seed);
        else InitWeights.Load(Resolved, model.Layout).CopyTo(parameters, 0);
        return parameters;
    }

    /// <summary>
    /// Shard <paramref name="shard"/>'s partition of a sequence kind's training split (<see cref="ShardPartitioner"/>:
    /// drawn from the seed and k, the same on any cluster), read from the data on first use and kept: only its rows.
    /// </summary>
    /// <exception cref="InvalidOperationException">The job is not of a sequence kind.</exception>
    public SampleSet Partition(int shard)
    {
        var facts = Sequences ?? throw new InvalidOperationException($"job '{Job.Name}' ({Job.Data.Kind}) has no partitions; its shards share one data set");
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, Shards);
        var entry = _partitions.GetOrAdd(shard, k => new Lazy<SampleSet>(
            () => SampleSetFactory.FromSequences(OwnedSequenceLoader.ReadPartition(Resolved, k), facts.Steps, facts.VariableLength),
            LazyThreadSafetyMode.PublicationOnly));
        return entry.Value;
    }

    /// <summary>
    /// Shard k's data in its deterministic order. The sequence kinds give the shard a set of only its own partition
    /// (<see cref="Partition"/>).
    /// </summary>
    public ShardBatchSource CreateShardSource(int shard)
    {
        if (Sequences is not null)
            return SampleBatchSource.ForPartition(Partition(shard), Resolved.TrainingItems, shard, Shards, ShardBatch, Job.Seed);
        return TokenInput
            ? new StreamBatchSource(TrainTokens!, shard, Shards, ShardBatch, Job.Data.Window!.Value)
            : new SampleBatchSource(TrainSamples!, shard, Shards, ShardBatch, Job.Seed);
    }

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
    public IRangeOptimizer CreateOptimizer(int length)
    {
        var o = Job.Optimizer;
        return o.Type == OptimizerTypes.Sgd
            ? new SgdOptimizer(length, o.Momentum, o.Nesterov, o.WeightDecay)
            : new AdamOptimizer(length, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay);
    }

    /// <summary>The rate of step <paramref name="step"/> as the schedule computes it, a double up to the optimizer.</summary>
    public double LearningRate(long step) => Job.Optimizer.LearningRateAt(step, TotalSteps);

    /// <summary>training.clip_norm, or +∞ when the job does not clip.</summary>
    public float ClipNorm => Job.Optimizer.ClipNorm is { } c ? (float)c : float.PositiveInfinity;
}
