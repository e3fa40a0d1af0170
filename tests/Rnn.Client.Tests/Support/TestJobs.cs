using System.Text.Json.Nodes;

namespace Rnn.Client.Tests.Support;

/// <summary>Job files for the train command's tests: a tiny real MNIST job, editable as a JSON tree.</summary>
internal static class TestJobs
{
    /// <summary>256 MNIST images, one LSTM of 16, a softmax head, 5 steps of 32: trains in well under a second.</summary>
    public static JsonObject TinyMnist() => JsonNode.Parse($$"""
        {
          "name": "tiny-mnist",
          "seed": 7,
          "data": { "kind": "mnist-rows", "path": {{JsonValue.Create(RepositoryRoot.MnistFolder).ToJsonString()}}, "limit": 256 },
          "model": { "layers": [
              { "type": "lstm", "units": 16 },
              { "type": "dense", "units": 10, "activation": "softmax" } ] },
          "loss": "sparse_categorical_crossentropy",
          "metrics": ["accuracy"],
          "optimizer": { "type": "adam", "lr": 0.01 },
          "training": { "steps": 5, "batch_size": 32 },
          "backend": "cpu"
        }
        """)!.AsObject();

    public static string Write(TemporaryFolder folder, JsonObject job, string name = "job.json") =>
        folder.WriteText(name, job.ToJsonString());
}
