namespace Rnn.Contracts.Clients;

/// <summary>The files of a job's run folder that can be downloaded (the API's DownloadCheckpoint names).</summary>
public static class RunFiles
{
    public const string Model = "model.safetensors";
    public const string Manifest = "manifest.json";
    public const string Metrics = "metrics.csv";
    public const string Summary = "summary.json";

    /// <summary>The torch.nn.Module whose state dict is model.safetensors (written with it when the job completes).</summary>
    public const string TorchModule = "model.py";

    /// <summary>All of them, in the order <c>rnn download</c> fetches them.</summary>
    public static IReadOnlyList<string> All { get; } = [Model, Manifest, Metrics, Summary, TorchModule];
}
