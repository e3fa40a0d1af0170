using System.Text.Json;
using Grpc.Core;
using Rnn.Api.Tests.Support;
using Rnn.Contracts.Api.V1;
using static Rnn.Api.Tests.AuthenticationAndTenancyTests;

namespace Rnn.Api.Tests;

/// <summary>A tenant trains on data under its data roots and reaches nothing else (issue 24; <see cref="ConfinedSiloFixture"/>).</summary>
[Collection(ConfinedSiloCollection.Name)]
public sealed class DataConfinementTests(ConfinedSiloFixture silo)
{
    private readonly TrainingService.TrainingServiceClient _client = silo.Client;
    private readonly string _folder = silo.Folder;

    private string Shared => silo.Shared;

    private string Secret => silo.Secret;

    [Fact]
    public async Task A_job_under_the_tenants_root_trains_to_completion()
    {
        var id = await _client.SubmitAsync(Tenants.AlphaToken, MnistAt("confined-ok", "mnist"));
        var job = await _client.WaitUntilFinishedAsync(Tenants.AlphaToken, id);
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(2, job.Step);
    }

    [Fact]
    public async Task Traversal_out_of_the_tenants_root_is_refused_naming_the_field_and_the_roots()
    {
        foreach (var path in new[] { "../beta/mnist", "../../secret.txt", "mnist/../../../secret.txt" })
        {
            var message = await Refused(path.EndsWith(".txt", StringComparison.Ordinal) ? TextAt("confined-dots", path) : MnistAt("confined-dots", path));
            Assert.Contains($"'{path}' is outside this silo's data roots", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_symbolic_link_out_of_a_root_is_refused_without_naming_its_target()
    {
        var message = await Refused(TextAt("confined-link", "link.txt"));
        Assert.Contains("'link.txt' is outside this silo's data roots", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);

        message = await Refused(MnistAt("confined-leaky", "leaky"));
        Assert.Contains("'leaky/train-labels-idx1-ubyte.gz' links outside this silo's data roots", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Absolute_paths_outside_the_roots_are_refused()
    {
        foreach (var path in new[] { Secret, "/etc/passwd", "/no/such/file.txt" })
            Assert.Contains($"'{path}' is outside this silo's data roots", await Refused(TextAt("confined-abs", path)), StringComparison.Ordinal);
        // Inside a root, an absolute path is as good as a relative one.
        var id = await _client.SubmitAsync(Tenants.BetaToken, MnistAt("confined-abs-ok", Path.Combine(_folder, "data", "beta", "mnist"), steps: 1));
        Assert.Equal(JobState.Completed, (await _client.WaitUntilFinishedAsync(Tenants.BetaToken, id)).State);
    }

    [Fact]
    public async Task The_tokens_file_and_the_runs_folder_are_unreachable_even_inside_a_root()
    {
        foreach (var path in new[] { "tokens.txt", Path.Combine(Shared, "tokens.txt"), "runs/confined-ok/job.json", "runs" })
        {
            var message = await Refused(path == "runs" ? MnistAt("confined-runs", path) : TextAt("confined-reserved", path));
            Assert.Contains($"'{path}' is outside this silo's data roots", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_relative_path_names_the_roots_as_configured_and_not_the_working_folder()
    {
        var message = await Refused(TextAt("confined-missing", "nope.txt"));
        Assert.Contains("text data file 'nope.txt' not found under this silo's data roots (Silo:DataRoots = ", message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_folder, "data", "{tenant}"), message, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.CurrentDirectory, message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine(_folder, "data", "alpha"), message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_file_outside_the_roots_is_refused_like_the_data_path_naming_its_field()
    {
        // data.path is inside alpha's root; only the separate test file leads out.
        var job = $$"""
            { "name": "confined-test-path", "seed": 3,
              "data": { "kind": "table", "path": "short.csv", "sequence": "v", "features": ["v"], "target_column": "v",
                        "target": "class", "test_path": {{JsonSerializer.Serialize(Secret)}} },
              "model": { "layers": [ { "type": "gru", "units": 4 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
              "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.01 },
              "training": { "steps": 2, "batch_size": 2, "shards": 1 } }
            """;

        var e = await AssertStatus(StatusCode.InvalidArgument,
            _client.SubmitJobAsync(new SubmitJobRequest { JobJson = job }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync);

        Assert.StartsWith($"data.test_path: '{Secret}' is outside this silo's data roots (Silo:DataRoots = ", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_from_is_confined_like_data_and_a_model_that_does_not_fit_is_named_tensor_by_tensor()
    {
        // Outside the roots, and the runs folder (never data, even inside a root), are refused on init_from.
        foreach (var path in new[] { Secret, "runs/confined-ok" })
        {
            var e = await AssertStatus(StatusCode.InvalidArgument, _client.SubmitJobAsync(
                new SubmitJobRequest { JobJson = WithInitFrom(MnistAt("confined-init", "mnist"), path) }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync);
            Assert.StartsWith($"init_from: '{path}' is outside this silo's data roots (Silo:DataRoots = ", e.Status.Detail, StringComparison.Ordinal);
        }

        // A model folder under alpha's root whose one tensor has another shape: named with both shapes, the path as given.
        var model = Directory.CreateDirectory(Path.Combine(_folder, "data", "alpha", "small-model")).FullName;
        Rnn.Training.Safetensors.SafetensorsWriter.Write(Path.Combine(model, "model.safetensors"),
            [Rnn.Training.Safetensors.SafetensorsTensor.FromFloat32("weight_ih_l0", [3, 3], new float[9])]);
        var misfit = await AssertStatus(StatusCode.InvalidArgument, _client.SubmitJobAsync(
            new SubmitJobRequest { JobJson = WithInitFrom(MnistAt("confined-init", "mnist"), "small-model") }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync);
        Assert.Contains("init_from: parameter 'weight_ih_l0': the job's model needs shape [64,28], small-model has [3,3]", misfit.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("init_from: parameter 'dense.weight' [10,16] of the job's model is missing from small-model", misfit.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(_folder, misfit.Status.Detail, StringComparison.Ordinal);
    }

    private static string WithInitFrom(string job, string path) =>
        job.Replace("\"seed\": 5,", $"\"seed\": 5, \"init_from\": {JsonSerializer.Serialize(path)},", StringComparison.Ordinal);

    private async Task<string> Refused(string jobJson)
    {
        var e = await AssertStatus(StatusCode.InvalidArgument,
            _client.SubmitJobAsync(new SubmitJobRequest { JobJson = jobJson }, ApiServerFixture.Auth(Tenants.AlphaToken)).ResponseAsync);
        Assert.StartsWith("data.path: ", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Silo:DataRoots", e.Status.Detail, StringComparison.Ordinal);
        return e.Status.Detail;
    }

    internal static string MnistAt(string name, string path, int steps = 2) =>
        ApiJobs.Mnist(name, steps).Replace(JsonSerializer.Serialize(ApiJobs.MnistPath), JsonSerializer.Serialize(path), StringComparison.Ordinal);

    internal static string TextAt(string name, string path, string extra = "") => $$"""
        { "name": "{{name}}", "seed": 3, "data": { "kind": "text", "path": {{JsonSerializer.Serialize(path)}}, "window": 8{{extra}} },
          "model": { "layers": [ { "type": "embedding", "units": 4 }, { "type": "lstm", "units": 8, "return_sequences": true }, { "type": "dense", "units": "vocab" } ] },
          "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": 2, "batch_size": 4, "shards": 1 } }
        """;
}
