using System.Text.Json;
using Rnn.Contracts.Grains;
using Rnn.Contracts.Messages;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.Steps;
using Rnn.Training.SingleProcess;
using Rnn.Training.Resolution;

namespace Rnn.Silo.Tests;

/// <summary>Small jobs on the repository's MNIST rows, and the single-process reference result for them.</summary>
internal static class TestJobs
{
    public static string MnistPath => Path.Combine(RepositoryPaths.Root, "data", "mnist");

    /// <summary>
    /// A GRU-16 (or LSTM-16) classifier: 256 samples, batch 32 split over <paramref name="shards"/>, clipped Adam.
    /// <paramref name="recurrentOptions"/> is added to the recurrent layer's object, e.g. <see cref="Bidirectional"/>.
    /// </summary>
    public static string Mnist(int shards, int steps, string cell = "gru", string nanPolicy = "skip_step",
        string name = "silo-test", int checkpointEvery = 50, string recurrentOptions = "") => $$"""
        { "name": "{{name}}", "seed": 5,
          "data": { "kind": "mnist-rows", "path": {{JsonSerializer.Serialize(MnistPath)}}, "limit": 256 },
          "model": { "layers": [ { "type": "{{cell}}", "units": 16{{recurrentOptions}} }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 0.5 },
          "training": { "steps": {{steps}}, "batch_size": 32, "shards": {{shards}}, "nan_policy": "{{nanPolicy}}",
                        "checkpoint_every": {{checkpointEvery}} } }
        """;

    /// <summary>
    /// The GRU-16 classifier with the last 64 of its 256 images held out for validation (6 steps per epoch of batch 32)
    /// and early stopping on val_loss: with min_delta 10 only the first evaluation improves, so patience 2 ends the run
    /// at epoch 3 (step 18) of its 20.
    /// </summary>
    public static string MnistEarlyStopping(int shards, string name, double minDelta = 10, int patience = 2, double lr = 0.05, int epochs = 20) => $$"""
        { "name": "{{name}}", "seed": 5,
          "data": { "kind": "mnist-rows", "path": {{JsonSerializer.Serialize(MnistPath)}}, "limit": 256, "validation_fraction": 0.25 },
          "model": { "layers": [ { "type": "gru", "units": 16 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": {{lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "clip_norm": 0.5 },
          "training": { "epochs": {{epochs}}, "batch_size": 32, "shards": {{shards}}, "checkpoint_every": 5,
                        "early_stopping": { "monitor": "val_loss", "patience": {{patience}}, "min_delta": {{minDelta.ToString(System.Globalization.CultureInfo.InvariantCulture)}} } } }
        """;

    /// <summary>The single-process Trainer's whole run with evaluations and early stopping: steps, final and best hashes, why it stopped.</summary>
    public static (long Steps, string Hash, string? BestHash, string? StopReason) TrainerRun(string json)
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(json, "reference"), jobFileDirectory: null);
        using var trainer = new Trainer(setup, threads: 1);
        var reason = trainer.Train();
        return (trainer.Step, ParameterHash.Sha256(trainer.Layout, trainer.Parameters),
            trainer.BestParameters is { } best ? ParameterHash.Sha256(trainer.Layout, best) : null, reason);
    }

    /// <summary>The recurrent-layer options of a bidirectional layer whose directions join by <paramref name="mergeMode"/>.</summary>
    public static string Bidirectional(string mergeMode) => $", \"bidirectional\": true, \"merge_mode\": \"{mergeMode}\"";

    public static string Co2Path => Path.Combine(RepositoryPaths.Root, "data", "timeseries", "co2-concentration.csv");

    /// <summary>An LSTM-8 forecaster on windows of 4 monthly CO2 readings: short sequences, for the slow ILGPU CPU accelerator.</summary>
    public static string Co2(string name, string backend, int steps) => $$"""
        { "name": "{{name}}", "seed": 5, "backend": "{{backend}}",
          "data": { "kind": "csv", "path": {{JsonSerializer.Serialize(Co2Path)}}, "column": "CO2", "window": 4, "horizon": 1 },
          "model": { "layers": [ { "type": "lstm", "units": 8 }, { "type": "dense", "units": 1 } ] },
          "loss": "mse",
          "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": {{steps}}, "batch_size": 8, "shards": 1 } }
        """;

    public static string TextPath => Path.Combine(RepositoryPaths.Root, "data", "text", "moby-dick.txt");

    /// <summary>A character LSTM on the first 20000 characters: streams with carried state, window 16.</summary>
    public static string Text(int shards, int steps, string name, int checkpointEvery) => $$"""
        { "name": "{{name}}", "seed": 3,
          "data": { "kind": "text", "path": {{JsonSerializer.Serialize(TextPath)}}, "window": 16, "limit": 20000 },
          "model": { "layers": [ { "type": "embedding", "units": 8 }, { "type": "lstm", "units": 24, "return_sequences": true },
                                 { "type": "dense", "units": "vocab" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 1.0 },
          "training": { "steps": {{steps}}, "batch_size": 12, "shards": {{shards}}, "checkpoint_every": {{checkpointEvery}} } }
        """;

    /// <summary>
    /// A GRU-8 classifier on a generated NumPy set (x.npz: 60 sequences of 1..7 steps of 3 features, 3 classes), the
    /// sequence kinds' path: partitions owned shard by shard, lengths into the packed recurrent layers.
    /// </summary>
    public static string Numpy(int shards, int steps, string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "rnn-silo-numpy");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "sequences.npz");
        if (!File.Exists(path)) WriteNumpySequences(path);
        return $$"""
            { "name": "{{name}}", "seed": 11,
              "data": { "kind": "numpy", "path": {{JsonSerializer.Serialize(path)}}, "target": "class", "test_fraction": 0.2,
                        "shuffle": true, "normalize": "standard" },
              "model": { "layers": [ { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
              "loss": "sparse_categorical_crossentropy",
              "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": {{steps}}, "batch_size": 6, "shards": {{shards}} } }
            """;
    }

    /// <summary>
    /// The same model on separate .npy files (x.npy [90, 7, 3] beside y.npy and lengths.npy), which shards read
    /// row by row from the memory-mapped file: each shard only its own partition.
    /// </summary>
    public static string Npy(int shards, int steps, string name, int checkpointEvery = 50)
    {
        var folder = Path.Combine(Path.GetTempPath(), "rnn-silo-npy");
        Directory.CreateDirectory(folder);
        var x = Path.Combine(folder, "x.npy");
        if (!File.Exists(x))
        {
            var (xs, ys, lengths) = NumpySequences(90, 5);
            Rnn.Training.Data.Numpy.NpyWriter.Write(Path.Combine(folder, "y.npy"), ys, 90);
            Rnn.Training.Data.Numpy.NpyWriter.Write(Path.Combine(folder, "lengths.npy"), lengths, 90);
            Rnn.Training.Data.Numpy.NpyWriter.Write(x + ".tmp", xs, 90, 7, 3);
            File.Move(x + ".tmp", x, overwrite: true);
        }
        return $$"""
            { "name": "{{name}}", "seed": 17,
              "data": { "kind": "numpy", "path": {{JsonSerializer.Serialize(x)}}, "y": "y.npy", "lengths": "lengths.npy",
                        "target": "class", "test_fraction": 0.2, "shuffle": true, "normalize": "standard" },
              "model": { "layers": [ { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
              "loss": "sparse_categorical_crossentropy",
              "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": {{steps}}, "batch_size": 6, "shards": {{shards}}, "checkpoint_every": {{checkpointEvery}} } }
            """;
    }

    /// <summary>
    /// The same model on a long table (table.csv: 60 sessions of 1..7 rows, rows of different sessions interleaved, a
    /// shuffled order column, string classes): each shard streams the file and keeps only its own sessions' rows.
    /// </summary>
    public static string LongTable(int shards, int steps, string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "rnn-silo-table");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "table.csv");
        if (!File.Exists(path))
        {
            var random = new Random(8);
            var rows = new List<string>();
            for (var s = 0; s < 60; s++)
            {
                var label = new[] { "calm", "busy", "idle" }[s % 3];
                foreach (var t in Enumerable.Range(0, 1 + random.Next(7)).OrderBy(_ => random.Next()))
                    rows.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"u{s},{t},{random.NextDouble() + s % 3:R},{random.NextDouble() * 10:R},{label}"));
            }
            File.WriteAllText(path + ".tmp", "session,t,a,b,state\n" + string.Join('\n', rows.OrderBy(_ => random.Next())) + "\n");
            File.Move(path + ".tmp", path, overwrite: true);
        }
        return $$"""
            { "name": "{{name}}", "seed": 19,
              "data": { "kind": "table", "path": {{JsonSerializer.Serialize(path)}}, "sequence": "session", "order": "t",
                        "features": ["a", "b"], "target_column": "state", "target": "class", "test_fraction": 0.2,
                        "validation_fraction": 0.1, "shuffle": true, "normalize": "standard" },
              "model": { "layers": [ { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
              "loss": "sparse_categorical_crossentropy",
              "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": {{steps}}, "batch_size": 6, "shards": {{shards}} } }
            """;
    }

    /// <summary>A NumPy job in <paramref name="folder"/>: train.npz (40 sequences) for training, test.npz (12) for the test.</summary>
    public static string NpzWithTestFile(string folder, int shards, string name)
    {
        WriteNumpySequences(Path.Combine(folder, "train.npz"), 40, 3);
        WriteNumpySequences(Path.Combine(folder, "test.npz"), 12, 4);
        return $$"""
            { "name": "{{name}}", "seed": 11,
              "data": { "kind": "numpy", "path": {{JsonSerializer.Serialize(Path.Combine(folder, "train.npz"))}}, "target": "class",
                        "test_path": {{JsonSerializer.Serialize(Path.Combine(folder, "test.npz"))}} },
              "model": { "layers": [ { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
              "loss": "sparse_categorical_crossentropy",
              "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 4, "batch_size": 6, "shards": {{shards}} } }
            """;
    }

    private static (float[] X, long[] Y, long[] Lengths) NumpySequences(int n, int seed)
    {
        const int t = 7, f = 3;
        var random = new Random(seed);
        var x = new float[n * t * f];
        var y = new long[n];
        var lengths = new long[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = i % 3;
            lengths[i] = 1 + random.Next(t);
            for (var j = 0; j < lengths[i] * f; j++) x[i * t * f + j] = (float)(random.NextDouble() + y[i]);
        }
        return (x, y, lengths);
    }

    private static void WriteNumpySequences(string path, int n = 60, int seed = 3)
    {
        const int t = 7, f = 3;
        var (x, y, lengths) = NumpySequences(n, seed);
        var temporary = path + ".tmp";
        using (var archive = new System.IO.Compression.ZipArchive(File.Create(temporary), System.IO.Compression.ZipArchiveMode.Create))
        {
            void Add<T>(string name, T[] data, params long[] shape) where T : unmanaged
            {
                using var stream = archive.CreateEntry(name + ".npy").Open();
                var dtype = typeof(T) == typeof(float) ? Rnn.Training.Data.Numpy.NpyDtype.Float32 : Rnn.Training.Data.Numpy.NpyDtype.Int64;
                Rnn.Training.Data.Numpy.NpyWriter.Write(stream, dtype, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()), shape);
            }
            Add("x", x, n, t, f);
            Add("y", y, n);
            Add("lengths", lengths, n);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The partitions of job <paramref name="jobId"/> read on each silo of <paramref name="cluster"/> (silo name, read),
    /// with each read checked to hold exactly its shard's partition of the training split, fewer than all of it.
    /// </summary>
    public static (string Silo, Rnn.Silo.Jobs.PartitionRead Read)[] PartitionReads(Orleans.TestingHost.InProcessTestCluster cluster,
        string jobId, string json)
    {
        var job = JobResolver.Resolve(JobSpecParser.Parse(json, "test job"), jobFileDirectory: null);
        var reads = cluster.Silos.SelectMany(s => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Rnn.Silo.Jobs.JobRuntimeCache>(s.ServiceProvider).PartitionReads
                .Where(r => r.JobId == jobId).Select(r => (s.Name, r)))
            .ToArray();
        foreach (var (_, read) in reads)
        {
            var expected = Rnn.Training.Data.Sequences.ShardPartitioner.Partition(Enumerable.Range(0, job.TrainingItems).ToArray(),
                job.Shards, read.Shard, job.Spec.Seed, job.DataPath).Positions.Length;
            Assert.Equal(job.TrainingItems, read.TrainingItems);
            Assert.Equal(expected, read.Rows);
            Assert.True(read.Rows < job.TrainingItems || job.Shards == 1, $"shard {read.Shard} read {read.Rows} of {job.TrainingItems}");
        }
        return reads;
    }

    /// <summary>The parameter hash the single-process Trainer reaches on <paramref name="json"/>.</summary>
    public static string TrainerHash(string json)
    {
        var setup = TrainingSetup.Load(JobSpecParser.Parse(json, "reference"), jobFileDirectory: null);
        using var trainer = new Trainer(setup, threads: 1);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        return ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
    }

    /// <summary>
    /// Submits <paramref name="json"/> as a client would: parsed and resolved at the edge, then given to the job grain.
    /// A job file the edge refuses comes back as the grain's refusals do, field by field.
    /// </summary>
    public static async Task<SubmitResult> SubmitAsync(IJobGrain grain, string json)
    {
        ResolvedJob job;
        try
        {
            job = JobResolver.Resolve(JobSpecParser.Parse(json, "test job"), jobFileDirectory: null);
        }
        catch (JobValidationException e)
        {
            return new SubmitResult(false, e.Errors.Select(x => new JobFieldError(x.Field, x.Message)).ToArray());
        }
        return await grain.SubmitAsync(new JobSubmission(job, json));
    }
}
