using System.Globalization;
using System.Text.Json;
using Rnn.Tests.Shared;
using Rnn.Training.Data.Numpy;
using Rnn.Training.Jobs;
using Rnn.Kernels.Tensors;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;
using Rnn.Training.Data.Sequences;
using Rnn.Training.Resolution;

namespace Rnn.Training.Tests.Steps;

/// <summary>Shards own their data: each shard reads only its partition, with the job's facts fixed at resolution.</summary>
public sealed class ShardOwnedDataTests
{
    private static readonly string ExamplesFolder = Path.Combine(RepositoryPaths.Root, "examples");

    /// <summary>x.npy [n, 6, 3] with lengths 1..6, y.npy 4 classes.</summary>
    internal static void WriteNpy(string folder, int n)
    {
        var x = new float[n * 6 * 3];
        var y = new long[n];
        var lengths = new long[n];
        var random = new Random(5);
        for (var i = 0; i < n; i++)
        {
            y[i] = i % 4;
            lengths[i] = 1 + random.Next(6);
            for (var j = 0; j < lengths[i] * 3; j++) x[i * 18 + j] = (float)(random.NextDouble() * 3 + y[i] + 100);
        }
        NpyWriter.Write(Path.Combine(folder, "x.npy"), x, n, 6, 3);
        NpyWriter.Write(Path.Combine(folder, "y.npy"), y, n);
        NpyWriter.Write(Path.Combine(folder, "lengths.npy"), lengths, n);
    }

    internal static string NpyJob(string folder, int shards, int steps, string extra = "\"test_fraction\": 0.2, \"validation_fraction\": 0.1, \"shuffle\": true, \"normalize\": \"standard\"") => $$"""
        { "name": "owned", "seed": 13,
          "data": { "kind": "numpy", "path": {{JsonSerializer.Serialize(Path.Combine(folder, "x.npy"))}}, "y": "y.npy", "lengths": "lengths.npy",
                    "target": "class", {{extra}} },
          "model": { "layers": [ { "type": "gru", "units": 8 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": {{steps}}, "batch_size": 8, "shards": {{shards}} } }
        """;

    private static (string Hash, string Metrics) Train(JobSpec spec, string? folder)
    {
        using var trainer = new Trainer(TrainingSetup.Load(spec, folder), threads: 1);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        var metrics = trainer.Evaluate().Metrics;
        return (ParameterHash.Sha256(trainer.Layout, trainer.Parameters),
            string.Join(" ", metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value.ToString("R", CultureInfo.InvariantCulture)}")));
    }

    /// <summary>
    /// An example cut down, as the examples were when the figures below were recorded (co2-forecast without
    /// "difference", words-language without its validation split and its cosine learning-rate schedule).
    /// </summary>
    private static JobSpec Example(string name, int limit, int steps, int shards)
    {
        var spec = JobSpecParser.Load(Path.Combine(ExamplesFolder, name));
        return spec.WithSteps(steps) with
        {
            Data = spec.Data with { Limit = limit, Difference = null, ValidationFraction = null },
            Optimizer = spec.Optimizer with { Schedule = null },
            Training = spec.Training with { Shards = shards, BatchSize = 8 * shards },
        };
    }

    /// <summary>
    /// Parameters and test metrics of a few steps of each sequence kind, recorded before shards owned their data
    /// (when every setup read the whole data set and cut each shard's partition out of it): reading only the parts
    /// gives the same bits. The classification figures were recorded again when the softmax cross-entropy became
    /// single-precision vector code (issue 22; the same metrics to six digits, new parameter bits); co2-forecast's
    /// mean squared error kept its bits. words-language's and co2-forecast's figures were recorded again when the GRU
    /// took the LSTM's lane-major layout (issue 22: its biases ride in the step products, its weight gradients sum
    /// piece by piece): the same accuracy, losses 1.6898916792 → 1.6898916515 and 0.4880159739 → 0.4880154584, rmse
    /// 14.2701087 → 14.2701008. seattle-weather kept its bits: one piece of 8 rows per shard, one depth block. When the
    /// evaluation went from batches of 256 to 64 (issue 22), the test losses summed batch by batch moved in their eighth
    /// or ninth digit (words-language 1.6898916515 → 1.6898916543, seattle-weather 1.2071500804 → 1.2071501327,
    /// co2-forecast 0.4880154584 → 0.4880154455, its rmse and baseline in the last digit); the parameters kept their bits.
    /// </summary>
    [Fact]
    public void Reading_only_the_parts_trains_to_the_same_bits_as_reading_everything_did()
    {
        using var folder = new TemporaryFolder();
        WriteNpy(folder.Path, 100);
        string Run(string json) => Train(JobSpecParser.Parse(json, "j"), null).ToString();
        Assert.Equal("(99b3c30ee30344dbf8ceeb072f683299810cf1ec14786eb0143876c7e9fd6661, accuracy=0.55 loss=1.3017823219299316 " +
            "val_accuracy=0.4 val_loss=1.4224787712097169)", Run(NpyJob(folder.Path, 4, 6)));
        Assert.Equal("(831652b18f92b875cbf715f35439f171ff589fc3da507bbfe26db1873ba750de, accuracy=0.6 loss=1.2582874298095703 " +
            "val_accuracy=0.4 val_loss=1.4129761695861816)", Run(NpyJob(folder.Path, 1, 6)));
        Assert.Equal("(11e7d90292363caa79a6f0ff3dc477c6b38a1a93f8b390aaa0c35d7c88f94da4, accuracy=0.25 loss=1.4701828956604004)",
            Run(NpyJob(folder.Path, 2, 6, "\"test_fraction\": 0.2, \"limit\": 50")));
        Assert.Equal("(8819da1680b429719138451a03a5a319e0223d9cde437414e17570f07d087e9c, accuracy=0.5501818181818182 loss=1.6898916542746805)",
            Train(Example("words-language.json", 600, 5, 2), ExamplesFolder).ToString());
        Assert.Equal("(dedc12fbb5fd18ee4321dc0e3daec3e7981b75c855b5ce4ddda5a3b6921b772e, accuracy=0.5821917808219178 loss=1.2071501326887575)",
            Train(Example("seattle-weather.json", 400, 5, 4), ExamplesFolder).ToString());
        Assert.Equal("(44e5fb6a13ada4e8c782890c4d44c2fde4752010d7aa0561e06c33ec8f7fe055, baseline_rmse=2.4148683621957416 " +
            "loss=0.48801544550302867 rmse=14.270100761809514)", Train(Example("co2-forecast.json", 300, 5, 2), ExamplesFolder).ToString());
    }

    [Fact]
    public void A_shard_reads_only_its_partition_and_nothing_else_until_asked()
    {
        using var folder = new TemporaryFolder();
        WriteNpy(folder.Path, 100);
        var job = JobResolver.Resolve(JobSpecParser.Parse(NpyJob(folder.Path, 4, 6), "j"), null);
        Assert.Equal(70, job.TrainingItems); // 100 less 20% test and 10% validation
        var setup = TrainingSetup.Load(job);
        Assert.Empty(setup.PartitionsRead);
        Assert.False(setup.HeldOutRead);

        var partition = setup.Partition(2);

        var expected = ShardPartitioner.Partition(Enumerable.Range(0, 70).ToArray(), 4, 2, 13, job.DataPath).Positions.Length;
        Assert.Equal(expected, partition.Count);
        Assert.InRange(partition.Count, 17, 18);
        Assert.Equal([2], setup.PartitionsRead);
        Assert.False(setup.HeldOutRead);
        Assert.Same(partition, setup.Partition(2));
        Assert.Equal(20, setup.TestSamples!.Count);
        Assert.Equal(10, setup.ValidationSamples!.Count);
        Assert.True(setup.HeldOutRead);
    }

    [Fact]
    public void A_partition_holds_the_rows_of_the_whole_training_split_it_was_dealt_normalised_alike()
    {
        using var folder = new TemporaryFolder();
        WriteNpy(folder.Path, 100);
        var job = JobResolver.Resolve(JobSpecParser.Parse(NpyJob(folder.Path, 4, 6), "j"), null);
        var setup = TrainingSetup.Load(job);
        var whole = TrainingSetup.Load(job).TrainSamples!;
        var positions = ShardPartitioner.Partition(Enumerable.Range(0, whole.Count).ToArray(), 4, 1, 13, job.DataPath).Positions;
        var expected = whole.Select(positions);
        var partition = setup.Partition(1);
        var a = expected.CreateBatch(positions.Length);
        var b = partition.CreateBatch(positions.Length);
        for (var i = 0; i < positions.Length; i++)
        {
            expected.CopySample(i, a, i);
            partition.CopySample(i, b, i);
        }
        Assert.Equal(a.Features, b.Features);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Lengths, b.Lengths);
    }

    [Fact]
    public void The_resolved_facts_survive_the_run_folders_canonical_form_with_their_hash()
    {
        using var folder = new TemporaryFolder();
        WriteNpy(folder.Path, 100);
        var npy = JobResolver.Resolve(JobSpecParser.Parse(NpyJob(folder.Path, 2, 6), "j"), null);
        var words = JobResolver.Resolve(Example("words-language.json", 300, 2, 1), ExamplesFolder);
        foreach (var job in new[] { npy, words })
        {
            var back = ResolvedJobFile.Deserialize(ResolvedJobFile.Serialize(job), "resolved-job.json");
            Assert.Equal(job.ContentHash, back.ContentHash);
            Assert.Equal(job.DataFacts!.FeatureMean, back.DataFacts!.FeatureMean);
            Assert.Equal(job.DataFacts.ClassNames, back.DataFacts.ClassNames);
            Assert.Equal(job.DataFacts.VocabularyCodePoints, back.DataFacts.VocabularyCodePoints);
        }
        Assert.Equal(3, npy.DataFacts!.FeatureMean!.Count);
        Assert.Equal(11, words.DataFacts!.ClassNames!.Count);
        Assert.NotEmpty(words.DataFacts.VocabularyCodePoints!);
    }

    [Fact]
    public void The_normaliser_fitted_chunk_by_chunk_equals_the_one_fitted_at_once()
    {
        var random = new Random(2);
        var rows = new float[1000 * 3];
        for (var i = 0; i < rows.Length; i++) rows[i] = (float)(random.NextDouble() * 50 + 300);
        var once = FeatureNormalizer.Fit(rows, 3);
        var fitter = new FeatureNormalizer.Fitter(3);
        for (var start = 0; start < rows.Length; start += 300) fitter.AddToMean<float>(rows.AsSpan(start, Math.Min(300, rows.Length - start)));
        fitter.EndMean();
        for (var start = 0; start < rows.Length; start += 300) fitter.AddToVariance<float>(rows.AsSpan(start, Math.Min(300, rows.Length - start)));
        var chunked = fitter.Finish();
        Assert.Equal(once.Mean, chunked.Mean);
        Assert.Equal(once.Std, chunked.Std);
    }

    [Fact]
    public void More_shards_than_training_sequences_is_refused_at_submission_naming_the_field()
    {
        using var folder = new TemporaryFolder();
        WriteNpy(folder.Path, 8);
        var json = NpyJob(folder.Path, 8, 2, "\"test_fraction\": 0.2");
        var error = Assert.Throws<JobValidationException>(() => JobResolver.Resolve(JobSpecParser.Parse(json, "j"), null));
        var field = Assert.Single(error.Errors);
        Assert.Equal("training.shards", field.Field);
        Assert.Contains("the training split has 7 sequence(s), fewer than the 8 shards, so shard 7 would own no data", field.Message);
    }

    [Fact]
    public void A_file_changed_after_submission_fails_when_a_part_is_read()
    {
        using var folder = new TemporaryFolder();
        WriteNpy(folder.Path, 100);
        var job = JobResolver.Resolve(JobSpecParser.Parse(NpyJob(folder.Path, 2, 6), "j"), null);
        WriteNpy(folder.Path, 90);
        var setup = TrainingSetup.Load(job);
        var error = Assert.Throws<InvalidDataException>(() => setup.Partition(0));
        Assert.Contains("changed after job 'owned' was submitted: it now has 90 samples", error.Message);
    }
}
