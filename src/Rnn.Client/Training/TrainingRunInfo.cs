namespace Rnn.Client.Training;

/// <summary>What a display needs to know before the first step.</summary>
/// <param name="StartStep">Steps already done (non-zero when a run resumes).</param>
internal sealed record TrainingRunInfo(
    string JobName, long TotalSteps, int StepsPerEpoch, long StartStep, int Silos, int Threads, string OutputDirectory)
{
    /// <summary>"1 silo, 2 threads" / "3 silos, 2 threads each".</summary>
    public string ClusterText => Silos == 1 ? $"1 silo, {Threads} threads" : $"{Silos} silos, {Threads} threads each";

    public int Epochs => (int)((TotalSteps + StepsPerEpoch - 1) / StepsPerEpoch);
}
