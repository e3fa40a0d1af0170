using System.Text.Json;
using Rnn.Kernels.Tensors;
using Rnn.Training.Jobs;
using Rnn.Training.Resolution;
using Rnn.Training.Runs;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;

namespace Rnn.Training.Tests.Steps;

/// <summary>
/// <c>init_from</c>: a run starts from an earlier model's weights, checked at resolution (every mismatch named), with
/// the weights' hash in the resolved job, so fine-tuning is as reproducible as training from the seed.
/// </summary>
public sealed class InitFromTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rnn-init-from");

    public void Dispose() => _folder.Delete(recursive: true);

    private static string Job(int units = 16, string? initFrom = null, string extraLayer = "", double lr = 0.01, int steps = 4) => $$"""
        { "name": "init", "seed": 3,{{(initFrom is null ? "" : $" \"init_from\": {JsonSerializer.Serialize(initFrom)},")}}
          "data": { "kind": "mnist-rows", "path": "data/mnist", "limit": 256 },
          "model": { "layers": [ { "type": "gru", "units": {{units}} }{{extraLayer}}, { "type": "dense", "units": 10 } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": {{lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}} },
          "training": { "steps": {{steps}}, "batch_size": 32, "shards": 2 } }
        """;

    private static ResolvedJob Resolve(string json) => JobResolver.Resolve(JobSpecParser.Parse(json, "init"), RepositoryPaths.Root);

    /// <summary>Trains <paramref name="json"/> to its end and writes its model.safetensors into a new model folder; returns the folder and the hash.</summary>
    private (string Folder, string Hash) TrainModel(string json, string name)
    {
        var setup = TrainingSetup.Load(Resolve(json));
        using var trainer = new Trainer(setup, threads: 1);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        var folder = Directory.CreateDirectory(Path.Combine(_folder.FullName, name)).FullName;
        ModelFile.Write(Path.Combine(folder, JobSpec.InitFromModelFile), setup, trainer.Layout, trainer.Parameters, trainer.Step);
        return (folder, ParameterHash.Sha256(trainer.Layout, trainer.Parameters));
    }

    private static string TrainAndHash(ResolvedJob job)
    {
        using var trainer = new Trainer(TrainingSetup.Load(job), threads: 1);
        while (trainer.Step < trainer.TotalSteps) trainer.RunStep();
        return ParameterHash.Sha256(trainer.Layout, trainer.Parameters);
    }

    [Fact]
    public void A_model_folder_resolves_to_its_file_and_the_weights_hash_joins_the_content_hash()
    {
        var (folder, baseHash) = TrainModel(Job(), "base");

        var plain = Resolve(Job());
        var tuned = Resolve(Job(initFrom: folder));

        Assert.Equal(Path.Combine(folder, "model.safetensors"), tuned.Spec.InitFrom);
        Assert.Equal(baseHash, tuned.InitFromSha256);
        Assert.NotEqual(plain.ContentHash, tuned.ContentHash);
        // A job without init_from keeps its canonical form (and so every earlier content hash): no new keys.
        Assert.Null(plain.InitFromSha256);
        Assert.DoesNotContain("InitFrom", ResolvedJobFile.Serialize(plain), StringComparison.Ordinal);
        Assert.Equal(tuned, ResolvedJobFile.Deserialize(ResolvedJobFile.Serialize(tuned), "round trip"));
    }

    [Fact]
    public void Fine_tuning_starts_from_the_weights_with_a_fresh_optimizer_and_reaches_a_determined_hash()
    {
        var (folder, baseHash) = TrainModel(Job(), "base");
        var job = Resolve(Job(initFrom: Path.Combine(folder, "model.safetensors"), lr: 0.005, steps: 6));

        using (var trainer = new Trainer(TrainingSetup.Load(job), threads: 1))
            Assert.Equal(baseHash, ParameterHash.Sha256(trainer.Layout, trainer.Parameters));
        var first = TrainAndHash(job);
        var second = TrainAndHash(Resolve(Job(initFrom: folder, lr: 0.005, steps: 6)));

        Assert.Equal(first, second);
        Assert.NotEqual(TrainAndHash(Resolve(Job(lr: 0.005, steps: 6))), first);
    }

    [Fact]
    public void Every_mismatch_is_named_with_both_shapes_and_missing_and_extra_parameters()
    {
        var (folder, _) = TrainModel(Job(), "base");

        var shapes = Assert.Throws<JobValidationException>(() => Resolve(Job(units: 32, initFrom: folder)));
        Assert.All(shapes.Errors, e => Assert.Equal("init_from", e.Field));
        Assert.Contains(shapes.Errors, e => e.Message.Contains("'weight_ih_l0': the job's model needs shape [96,28]", StringComparison.Ordinal)
            && e.Message.Contains("has [48,28]", StringComparison.Ordinal));
        Assert.Contains(shapes.Errors, e => e.Message.Contains("'weight_hh_l0': the job's model needs shape [96,32]", StringComparison.Ordinal));
        Assert.Contains(shapes.Errors, e => e.Message.Contains("'dense.weight': the job's model needs shape [10,32]", StringComparison.Ordinal));

        var missing = Assert.Throws<JobValidationException>(() =>
            Resolve(Job(initFrom: folder, extraLayer: ", { \"type\": \"dense\", \"units\": 12 }")));
        Assert.Contains(missing.Errors, e => e.Message.Contains("'dense_1.weight' [10,12] of the job's model is missing", StringComparison.Ordinal));

        var (bigger, _) = TrainModel(Job(extraLayer: ", { \"type\": \"dense\", \"units\": 12 }"), "bigger");
        var extra = Assert.Throws<JobValidationException>(() => Resolve(Job(initFrom: bigger)));
        Assert.Contains(extra.Errors, e => e.Message.Contains("'dense_1.bias' [10]", StringComparison.Ordinal)
            && e.Message.Contains("is not in the job's model", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_model_names_init_from_and_the_places_tried()
    {
        var error = Assert.Throws<JobValidationException>(() => Resolve(Job(initFrom: "no-such-model")));
        Assert.Equal("init_from", Assert.Single(error.Errors).Field);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_changed_after_resolution_fail_where_the_job_trains()
    {
        var (folder, _) = TrainModel(Job(), "base");
        var job = Resolve(Job(initFrom: folder));
        TrainModel(Job(steps: 5), "other");
        File.Copy(Path.Combine(_folder.FullName, "other", "model.safetensors"), job.Spec.InitFrom!, overwrite: true);

        var error = Assert.Throws<InvalidDataException>(() => new Trainer(TrainingSetup.Load(job), threads: 1));
        Assert.Contains("changed after job 'init' was submitted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Differences_between_resolved_jobs_are_named_by_job_file_field()
    {
        var differences = ResolvedJobDiff.Between(Resolve(Job()), Resolve(Job(lr: 0.02, steps: 5)));

        Assert.Equal(["optimizer.lr", "training.steps"], differences.Select(d => d.Field).Order(StringComparer.Ordinal));
        Assert.Contains(differences, d => d is { Field: "training.steps", Before: "4", After: "5" });
    }
}
