using System.Text.Json.Nodes;
using Rnn.Training.Jobs;
using Rnn.Training.Runs;
using Rnn.Training.SingleProcess;
using Rnn.Training.Steps;

namespace Rnn.Client.Tests.Support;

/// <summary>Model folders as a run leaves them (model.safetensors and job.json), trained in this process.</summary>
internal static class ModelFolders
{
    /// <summary>Two single-process steps of <paramref name="job"/>, written to <paramref name="name"/>/ in <paramref name="folder"/>.</summary>
    public static (string Folder, TrainingSetup Setup) Train(TemporaryFolder folder, JsonObject job, string name)
    {
        var jobPath = TestJobs.Write(folder, job, name + ".json");
        var setup = TrainingSetup.Load(JobSpecParser.Load(jobPath), folder.Path);
        using var trainer = new Trainer(setup, threads: 1);
        trainer.RunStep();
        trainer.RunStep();
        var model = Directory.CreateDirectory(folder.File(name)).FullName;
        ModelFile.Write(Path.Combine(model, "model.safetensors"), setup, trainer.Layout, trainer.Parameters, trainer.Step);
        File.Copy(jobPath, Path.Combine(model, "job.json"));
        return (model, setup);
    }
}
