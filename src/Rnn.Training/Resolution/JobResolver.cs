using Rnn.Kernels.Backends;
using Rnn.Kernels.Losses;
using Rnn.Kernels.Optimizers;
using Rnn.Training.Batches;
using Rnn.Training.Data;
using Rnn.Training.Data.Loading;
using Rnn.Training.Jobs;

namespace Rnn.Training.Resolution;

/// <summary>
/// Turns a validated <see cref="JobSpec"/> into the <see cref="ResolvedJob"/> that every later stage uses: the data
/// path made absolute (relative paths as <see cref="JobSpec.ResolveDataPath"/> says), the data's shape read cheaply
/// (<see cref="DataShapeProbe"/>; the data set itself is read only where shards train), vocabulary-sized layers
/// filled in, steps per epoch and in all, the choices as enums, and the content hash. The sequence kinds' facts about the
/// whole data set (classes, normaliser statistics, vocabulary, counts: <see cref="ResolvedData"/>) are computed here,
/// once, so that afterwards each shard reads only its own partition (<see cref="OwnedSequenceLoader"/>).
/// </summary>
public static class JobResolver
{
    /// <exception cref="JobValidationException">The data is not where the job says, is the wrong kind of path, is too
    /// short for the split and window, or cannot fill one batch.</exception>
    /// <exception cref="DataFormatException">The data file is malformed (the message names the file).</exception>
    /// <exception cref="Rnn.Training.Safetensors.SafetensorsFormatException">init_from is not a safetensors file.</exception>
    public static ResolvedJob Resolve(JobSpec spec, string? jobFileDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var dataPath = spec.ResolveDataPath(jobFileDirectory);
        var data = DataKinds.IsSequenceKind(spec.Data.Kind)
            ? SequenceJobChecks.ResolveFiles(spec, dataPath, jobFileDirectory)
            : spec.Data with { Path = dataPath };
        DataShape shape;
        ResolvedData? facts = null;
        try
        {
            if (DataKinds.IsSequenceKind(data.Kind)) (shape, facts) = OwnedSequenceLoader.Resolve(data, spec.Seed);
            else shape = DataShapeProbe.Read(data, dataPath);
        }
        catch (DataSplitException e)
        {
            throw new JobValidationException(spec.Name, [new JobValidationError(e.Field, e.Message)]);
        }
        var resolved = spec with { Data = data };
        if (shape.TokenInput && spec.Data.Kind == DataKinds.Text) resolved = resolved.WithVocabularySize(shape.InputSize);
        if (DataKinds.IsSequenceKind(spec.Data.Kind)) resolved = SequenceJobChecks.FitModel(resolved, shape);

        var training = resolved.Training;
        if (DataKinds.IsSequenceKind(spec.Data.Kind) && shape.TrainingItems < training.Shards)
            throw new JobValidationException(spec.Name, [new JobValidationError("training.shards",
                $"{dataPath}: the training split has {shape.TrainingItems} sequence(s), fewer than the {training.Shards} shards, so " +
                $"shard {shape.TrainingItems} would own no data; use at most {shape.TrainingItems} shard(s) or more data")]);
        var shardBatch = training.BatchSize / training.Shards;
        int stepsPerEpoch;
        try
        {
            stepsPerEpoch = shape.TokenInput && spec.Data.Kind == DataKinds.Text
                ? StreamBatchSource.StepsPerEpochFor(shape.TrainingItems, training.Shards, shardBatch, resolved.Data.Window!.Value)
                : SampleBatchSource.StepsPerEpochFor(shape.TrainingItems, training.Shards, shardBatch);
        }
        catch (ArgumentException e)
        {
            throw new JobValidationException(spec.Name, [new JobValidationError("training.batch_size", e.Message)]);
        }

        var job = new ResolvedJob
        {
            Spec = resolved,
            Layers = ResolvedLayer.From(resolved.Model),
            // The data kind (or a sequence kind's target) fixes the loss: classes for images and text, values for a series.
            Loss = resolved.Data.Kind == DataKinds.Csv || (DataKinds.IsSequenceKind(resolved.Data.Kind) && !DataTargets.IsClass(resolved.Data.Target))
                ? LossKind.MeanSquaredError : LossKind.SparseCategoricalCrossEntropy,
            Optimizer = resolved.Optimizer.Type == OptimizerTypes.Sgd ? OptimizerKind.Sgd : OptimizerKind.Adam,
            Mode = TrainingMode.Sync,
            Backend = BackendNames.KindOf(resolved.Backend),
            InputSize = shape.InputSize,
            TokenInput = shape.TokenInput,
            TrainingItems = shape.TrainingItems,
            StepsPerEpoch = stepsPerEpoch,
            TotalSteps = training.Steps ?? (long)training.Epochs!.Value * stepsPerEpoch,
            DataFacts = facts,
        };
        // init_from's weights are checked against this very model (names and shapes) and their hash becomes part of the job.
        job = InitWeights.Attach(job, jobFileDirectory);
        return job with { ContentHash = ResolvedJobFile.Hash(job) };
    }
}
