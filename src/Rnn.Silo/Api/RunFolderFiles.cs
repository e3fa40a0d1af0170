using Grpc.Core;
using Rnn.Contracts.Messages;
using Rnn.Silo.Jobs;
using Rnn.Training.Runs;
using Rnn.Contracts.Clients;

namespace Rnn.Silo.Api;

/// <summary>
/// The files of a job's run folder that DownloadCheckpoint serves, by public name. Only these names: a request never
/// becomes a path, so no "../" can leave the folder.
/// </summary>
public static class RunFolderFiles
{
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>The public names, as clients know them (<see cref="RunFiles"/>).</summary>
    public static IReadOnlyList<string> Names => RunFiles.All;

    /// <summary>The file's path for this job, or an RpcException (InvalidArgument for a bad name, NotFound for a missing file).</summary>
    public static string Resolve(JobStatus status, string name)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!Names.Contains(name, StringComparer.Ordinal))
            throw ApiErrors.Invalid("file", $"'{name}' is not downloadable; use one of {string.Join(", ", Names)}");
        if (status.JobFolder is not { Length: > 0 } path) throw NotFound(status.JobId, name, $"job '{status.JobId}' has no run folder");
        // A later job of the same name moves this one's run into earlier/<run id>/: serve it from there, and never
        // serve another job's files.
        if (new RunFolder(path).RunOf(status.JobId) is not { } folder)
            throw NotFound(status.JobId, name, $"the run folder of job '{status.JobId}' holds no run of it any more");
        var file = name switch
        {
            RunFiles.Model => folder.ModelFile,
            RunFiles.Manifest => Path.Combine(folder.CheckpointFolder, "manifest.json"),
            RunFiles.Metrics => folder.MetricsFile,
            RunFiles.TorchModule => folder.TorchModuleFile,
            _ => folder.SummaryFile,
        };
        if (!File.Exists(file))
            throw NotFound(status.JobId, name, $"{name} of job '{status.JobId}' does not exist yet (job {status.State.ToString().ToLowerInvariant()}" +
                (name is RunFiles.Model or RunFiles.Summary or RunFiles.TorchModule ? "; it is written when the job completes)" : ")"));
        return file;
    }

    private static RpcException NotFound(string jobId, string name, string message) =>
        ApiErrors.NotFound(ApiErrors.FileResource, $"{jobId}/{name}", message);
}
