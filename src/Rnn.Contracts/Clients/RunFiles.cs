namespace Rnn.Contracts.Clients;

/// <summary>The files of a job's run folder that can be downloaded (the API's DownloadCheckpoint names).</summary>
public static class RunFiles
{
    public const string Model = "model.safetensors";
    public const string Manifest = "manifest.json";
    public const string Metrics = "metrics.csv";
    public const string Summary = "summary.json";

    /// <summary>All of them, in the order <c>rnn download</c> fetches them.</summary>
    public static IReadOnlyList<string> All { get; } = [Model, Manifest, Metrics, Summary];
}
