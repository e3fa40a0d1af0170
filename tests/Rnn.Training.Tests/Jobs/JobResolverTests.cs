using Rnn.Kernels.Backends;
using Rnn.Kernels.Losses;
using Rnn.Kernels.Optimizers;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;

namespace Rnn.Training.Tests.Jobs;

/// <summary>A job is resolved once, at the edge, into a typed record with a content hash that identifies what runs.</summary>
public sealed class JobResolverTests
{
    private static string Root => RepositoryPaths.Root;

    private static ResolvedJob Resolve(System.Text.Json.Nodes.JsonObject job) =>
        JobResolver.Resolve(JobJson.ParseValid(job), Root);

    [Fact]
    public void Mnist_job_resolves_to_absolute_data_path_sizes_and_enums()
    {
        var job = Resolve(JobJson.Mnist());

        Assert.Equal(Path.Combine(Root, "data", "mnist"), job.DataPath);
        Assert.True(Path.IsPathRooted(job.Spec.Data.Path));
        Assert.Equal(28, job.InputSize);
        Assert.False(job.TokenInput);
        Assert.Equal(LossKind.SparseCategoricalCrossEntropy, job.Loss);
        Assert.Equal(OptimizerKind.Adam, job.Optimizer);
        Assert.Equal(TrainingMode.Sync, job.Mode);
        Assert.Equal(BackendKind.Auto, job.Backend);
        Assert.Equal([LayerKind.Lstm, LayerKind.Lstm, LayerKind.Dense], job.Layers.Select(l => l.Kind));
        Assert.Equal(job.TrainingItems / 4 / 16, job.StepsPerEpoch);
        Assert.Equal(5L * job.StepsPerEpoch, job.TotalSteps);
        Assert.Matches("^[0-9a-f]{64}$", job.ContentHash);
    }

    [Fact]
    public void Text_job_gets_its_vocabulary_size_from_the_data()
    {
        var job = Resolve(JobJson.Text());

        Assert.True(job.TokenInput);
        Assert.Equal(job.InputSize, job.Layers[^1].Units);
        Assert.Equal(job.InputSize, job.Spec.Model.Layers[^1].Units);
        Assert.True(job.InputSize > 26);
    }

    [Fact]
    public void The_same_job_resolves_to_the_same_hash_and_any_change_changes_it()
    {
        var first = Resolve(JobJson.Mnist());
        var again = Resolve(JobJson.Mnist());
        var otherSeed = JobJson.Mnist();
        otherSeed["seed"] = 8;
        var fewerSteps = JobResolver.Resolve(JobJson.ParseValid(JobJson.Mnist()).WithSteps(3), Root);

        Assert.Equal(first.ContentHash, again.ContentHash);
        Assert.NotEqual(first.ContentHash, Resolve(otherSeed).ContentHash);
        Assert.NotEqual(first.ContentHash, fewerSteps.ContentHash);
        Assert.Equal(3, fewerSteps.TotalSteps);
        Assert.Null(fewerSteps.Spec.Training.Epochs);
    }

    [Fact]
    public void A_batch_no_shard_can_fill_is_refused_naming_the_batch_size()
    {
        var job = JobJson.Csv();
        job["training"]!["batch_size"] = 4096;

        var error = Assert.Throws<JobValidationException>(() => Resolve(job));

        var field = Assert.Single(error.Errors);
        Assert.Equal("training.batch_size", field.Field);
        Assert.Contains("fewer than the per-shard batch of 4096", field.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolved_job_file_round_trips_and_refuses_a_changed_copy()
    {
        var job = Resolve(JobJson.Text());
        using var folder = new TemporaryFolder();
        var path = folder.File(ResolvedJobFile.FileName);

        ResolvedJobFile.Write(path, job);
        var read = ResolvedJobFile.Read(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"Seed\": 1", "\"Seed\": 2", StringComparison.Ordinal));

        Assert.Equal(job.ContentHash, read.ContentHash);
        Assert.Equal(ResolvedJobFile.Serialize(job), ResolvedJobFile.Serialize(read));
        var error = Assert.Throws<InvalidDataException>(() => ResolvedJobFile.Read(path));
        Assert.Contains("was changed after it was written", error.Message, StringComparison.Ordinal);
    }
}
