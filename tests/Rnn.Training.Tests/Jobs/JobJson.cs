using System.Text.Json.Nodes;
using Rnn.Training.Jobs;

namespace Rnn.Training.Tests.Jobs;

/// <summary>Valid job files as editable JSON trees, so each test changes only the one thing it is about.</summary>
internal static class JobJson
{
    public const string Source = "test.json";

    public static JsonObject Mnist() => Parse("""
        {
          "name": "seq-mnist-lstm",
          "seed": 7,
          "data": { "kind": "mnist-rows", "path": "data/mnist" },
          "model": { "layers": [
              { "type": "lstm", "units": 128, "return_sequences": true },
              { "type": "lstm", "units": 64 },
              { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.001, "clip_norm": 5.0 },
          "training": { "epochs": 5, "batch_size": 64, "shards": 4, "mode": "sync", "checkpoint_every": 50 },
          "backend": "auto"
        }
        """);

    public static JsonObject Text() => Parse("""
        {
          "name": "charlm",
          "seed": 1,
          "data": { "kind": "text", "path": "data/text/moby-dick.txt", "window": 64 },
          "model": { "layers": [
              { "type": "embedding", "units": 64 },
              { "type": "lstm", "units": 256, "return_sequences": true },
              { "type": "dense", "units": "vocab" } ] },
          "loss": "sparse_categorical_crossentropy",
          "optimizer": { "type": "adam", "lr": 0.002 },
          "training": { "steps": 2000, "batch_size": 32 }
        }
        """);

    public static JsonObject Csv() => Parse("""
        {
          "name": "co2",
          "seed": 3,
          "data": { "kind": "csv", "path": "data/timeseries/co2-concentration.csv", "column": "CO2", "window": 24 },
          "model": { "layers": [ { "type": "gru", "units": 32 }, { "type": "dense", "units": 1 } ] },
          "loss": "mse",
          "optimizer": { "type": "adam", "lr": 0.005 },
          "training": { "epochs": 30, "batch_size": 32 }
        }
        """);

    public static JsonArray Layers(JsonObject job) => job["model"]!["layers"]!.AsArray();

    public static JsonObject Layer(JsonObject job, int index) => Layers(job)[index]!.AsObject();

    public static JobSpec ParseValid(JsonObject job) => JobSpecParser.Parse(job.ToJsonString(), Source);

    /// <summary>The errors the parser reports for <paramref name="json"/>; fails the test if it parses.</summary>
    public static IReadOnlyList<JobValidationError> Errors(string json) =>
        Assert.Throws<JobValidationException>(() => JobSpecParser.Parse(json, Source)).Errors;

    public static IReadOnlyList<JobValidationError> Errors(JsonObject job) => Errors(job.ToJsonString());

    /// <summary>The only error reported for <paramref name="job"/>, asserted to be about <paramref name="field"/>.</summary>
    public static JobValidationError SingleError(JsonObject job, string field)
    {
        var errors = Errors(job);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        return error;
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
