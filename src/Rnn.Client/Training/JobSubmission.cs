using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rnn.Client.Training;

/// <summary>
/// The job text the cluster receives. Silos resolve a relative data path from their own working folder only, so the
/// path the CLI resolved (current folder, then the job file's folder and its parents) is written in as an absolute
/// path; every other field stays as the user wrote it.
/// </summary>
internal static class JobSubmission
{
    private static readonly JsonDocumentOptions Lenient = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static string WithDataPath(string jobJson, string dataPath)
    {
        var job = Parse(jobJson);
        job["data"]!["path"] = Path.GetFullPath(dataPath);
        return job.ToJsonString();
    }

    /// <summary>The job as a job of <paramref name="steps"/> steps (training.steps set, training.epochs removed).</summary>
    public static string WithSteps(string jobJson, int steps)
    {
        var job = Parse(jobJson);
        var training = job["training"]!.AsObject();
        training.Remove("epochs");
        training["steps"] = steps;
        return job.ToJsonString();
    }

    private static JsonObject Parse(string jobJson) =>
        JsonNode.Parse(jobJson, documentOptions: Lenient)?.AsObject()
        ?? throw new InvalidOperationException("a validated job file is not a JSON object");
}
