using Rnn.Client.Console;
using Rnn.Training.Jobs;
using Rnn.Training.Prediction;
using Rnn.Training.Safetensors;

namespace Rnn.Client.Prediction;

/// <summary>
/// A model folder as rnn predict and rnn export read it: DIR/model.safetensors with the job it was trained with, from
/// --job, else DIR/job.json (a run folder), else the job saved in the model file's metadata (a folder rnn download
/// wrote from a cluster run).
/// </summary>
internal static class ModelFolder
{
    public static SavedModel Read(string folder, string? jobOption)
    {
        var modelPath = Path.Combine(folder, "model.safetensors");
        var file = SafetensorsFile.Read(modelPath);
        return SavedModel.Load(modelPath, file, JobOf(folder, jobOption, file, modelPath));
    }

    private static JobSpec JobOf(string folder, string? jobOption, SafetensorsFile file, string modelPath)
    {
        if (jobOption is not null) return JobSpecParser.Load(jobOption);
        var jobPath = Path.Combine(folder, "job.json");
        if (File.Exists(jobPath)) return JobSpecParser.Load(jobPath);
        return SavedModel.JobFromMetadata(file, modelPath)
            ?? throw new CommandException(ExitCodes.Usage,
                $"{jobPath} does not exist and {modelPath} holds no saved job: pass the model's job file with --job JOB.json");
    }
}
